/**
 * The process `npm start` runs: reads PORT, DB_PATH, REDIS_URL, LOG_LEVEL,
 * STATIC_DIR from the environment (`createGameServer` reads the rest: the
 * limits, TRUST_PROXY, ALLOWED_SERVERS, …), serves everything on one port,
 * and on SIGTERM/SIGINT finishes and saves running rounds before exiting.
 */
import { createGameServer } from './createGameServer';
import { createLogger } from './logger';

const logger = createLogger();
const port = Number(process.env.PORT ?? 2567);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  logger.fatal({ port: process.env.PORT }, 'PORT must be an integer in [0, 65535]');
  process.exit(1);
}

let game: Awaited<ReturnType<typeof createGameServer>>;
try {
  game = await createGameServer({
    port,
    host: process.env.HOST,
    dbPath: process.env.DB_PATH ?? './data/gradient-rally.sqlite',
    staticDir: process.env.STATIC_DIR,
    logger,
  });
} catch (err) {
  // A setting that cannot be used (TRUST_PROXY=yes, LIMIT_JOINS=lots, …): say which, plainly, and stop.
  logger.fatal({ event: 'bad-configuration', error: (err as Error).message }, (err as Error).message);
  process.exit(1);
}
// Rooms checkpointed before a crash come back under their codes before anyone can connect.
await game.restoreRooms();
await game.listen();

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ event: 'shutdown', signal }, 'shutting down: finishing rounds and closing storage');
  const force = setTimeout(() => {
    logger.error({ event: 'shutdown-timeout' }, 'shutdown took too long; exiting');
    process.exit(1);
  }, 10_000);
  force.unref();
  try {
    await game.close();
    process.exit(0);
  } catch (err) {
    logger.error({ err }, 'shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
process.on('uncaughtException', (err) => logger.error({ err }, 'uncaught exception'));
process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
