import { pino, type Logger } from 'pino';

/**
 * Structured JSON logs (pino). LOG_LEVEL sets the level (default info;
 * tests pass 'silent').
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'gradient-rally' } });
}
export type { Logger };
