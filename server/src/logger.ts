import { pino, type Logger } from 'pino';

/**
 * Structured JSON logs (pino). LOG_LEVEL sets the level (default info;
 * tests pass 'silent').
 *
 * Levels: `error` is for faults of the server (a bug, a lost dependency), with
 * the stack; what a caller got wrong or was refused (bad settings, an unknown
 * code, an expired seat, an oversized frame) is `info` or `warn`, one line,
 * no stack, so a noisy client cannot bury a real fault.
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'gradient-rally' } });
}
export type { Logger };

/**
 * Errors Colyseus logs at error level (with a stack) that are in fact a
 * caller's doing: a settings or schema refusal thrown from `onCreate`, a
 * socket arriving without (or after) its seat reservation, an oversized or
 * malformed frame, a client that hung up.
 */
const CALLER_ERRORS = [
  /^SpecError\b/,
  /^ZodError\b/,
  /seat reservation expired/i,
  /already consumed/i,
  /bad reconnection token/i,
  /max payload size exceeded/i,
  /invalid (websocket frame|utf-8|opcode|close code)/i,
  /^Error: (read )?ECONNRESET/,
  /early_leave|already disconnected/i,
];

/**
 * Colyseus logs through pino too (it calls info/warn/error/debug/trace with
 * console-style arguments). Its error lines that a caller caused are logged
 * at info without the stack (`event: 'client-error'`).
 */
export function colyseusLogger(logger: Logger) {
  const child = logger.child({ component: 'colyseus' });
  const wrap =
    (level: 'info' | 'warn' | 'error' | 'debug' | 'trace') =>
    (...args: unknown[]) => {
      const text = args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(' ');
      const firstLine = text.split('\n', 1)[0];
      if (level === 'error' && CALLER_ERRORS.some((re) => re.test(firstLine))) {
        child.info({ event: 'client-error' }, firstLine.slice(0, 300));
        return;
      }
      child[level](text);
    };
  return { info: wrap('info'), warn: wrap('warn'), error: wrap('error'), debug: wrap('debug'), trace: wrap('trace') };
}
