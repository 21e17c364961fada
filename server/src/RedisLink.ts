import type { MatchMakerDriver, Presence } from '@colyseus/core';
import { RedisDriver } from '@colyseus/redis-driver';
import { RedisPresence } from '@colyseus/redis-presence';
import type { Cluster, Redis, RedisOptions } from 'ioredis';
import type { Logger } from './logger';

/** Exposes the presence's own clients (protected in the library) so their health can be watched. */
class WatchedRedisPresence extends RedisPresence {
  get connections(): (Redis | Cluster)[] {
    return [this.pub, this.sub];
  }
  /** The connection that runs ordinary commands (the attempt log shares it). */
  get commands(): Redis | Cluster {
    return this.pub;
  }
}

/**
 * Colyseus's Redis presence and driver, with their three connections watched.
 *
 * ioredis prints `[ioredis] Unhandled error event` to stderr for every failed
 * reconnect of a client nobody listens to, many times a second while Redis is
 * down. Here every connection has an error listener, and the link logs one
 * structured line when Redis becomes unreachable (`redis-unavailable`) and one
 * when it is back (`redis-available`). Matchmaking asks `available` first and
 * answers "the game service is temporarily unavailable" at once instead of
 * waiting on commands that cannot complete.
 *
 * Commands issued while Redis is away (Colyseus's background stats, listing
 * updates of running rooms) wait in ioredis's offline queue and complete when
 * it is back, rather than rejecting where nobody catches them; running rooms
 * keep ticking either way, since a room's simulation never touches Redis.
 */
export class RedisLink {
  readonly presence: Presence;
  readonly driver: MatchMakerDriver;
  /** Connection for the attempt log's scripts. */
  readonly commands: Redis | Cluster;
  private readonly connections: (Redis | Cluster)[];
  private down = false;
  private since = 0;
  private failures = 0;
  private lastError = '';

  constructor(
    url: string,
    private readonly logger: Logger,
  ) {
    const options = redisOptions(url);
    const presence = new WatchedRedisPresence(options);
    const driver = new RedisDriver(options);
    this.presence = presence;
    this.driver = driver;
    this.commands = presence.commands;
    // The driver keeps its client private; it is the same ioredis class.
    this.connections = [...presence.connections, (driver as unknown as { _client: Redis })._client];
    for (const c of this.connections) {
      c.on('error', (err: Error) => this.failed(err));
      c.on('close', () => this.failed(new Error('connection closed')));
      c.on('ready', () => this.recovered());
    }
  }

  /** True while every connection is ready to run commands. */
  get available(): boolean {
    return this.connections.every((c) => c.status === 'ready');
  }

  private failed(err: Error): void {
    this.failures++;
    this.lastError = err.message;
    if (this.down) return;
    this.down = true;
    this.since = Date.now();
    this.logger.error(
      { event: 'redis-unavailable', component: 'redis', error: err.message },
      'Redis is unreachable: joins and new games are refused as temporarily unavailable until it is back',
    );
  }

  private recovered(): void {
    if (!this.down || !this.available) return;
    this.down = false;
    this.logger.warn(
      {
        event: 'redis-available',
        component: 'redis',
        downSeconds: Math.round((Date.now() - this.since) / 100) / 10,
        failedAttempts: this.failures,
        lastError: this.lastError,
      },
      'Redis is reachable again',
    );
    this.failures = 0;
  }
}

/**
 * ioredis options from a `redis://` or `rediss://` URL. Reconnects back off
 * to at most 2 s; a command waits for the connection rather than failing after
 * 20 retries (the "max retries per request" error Colyseus would otherwise
 * surface to players).
 */
export function redisOptions(url: string): RedisOptions {
  const u = new URL(url);
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new Error(`REDIS_URL must start with redis:// or rediss://, got ${u.protocol}`);
  const db = Number(u.pathname.slice(1) || 0);
  return {
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    connectTimeout: 3000,
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
  };
}
