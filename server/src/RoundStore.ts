import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';

/** A finished round as stored: enough to show, export and replay it. */
export interface StoredRound {
  id: string;
  code: string;
  round: number;
  finishedAt: string;
  settings: unknown;
  seed: string;
  record: unknown;
  results: unknown;
}

export interface StoredLandscape {
  id: number;
  name: string;
  spec: unknown;
  createdAt: string;
}

/**
 * Embedded SQLite storage (better-sqlite3, WAL): finished rounds with their
 * settings, seed, replay record and results, and the custom landscape library.
 *
 * Writes are synchronous on purpose: `saveRound` returns only after SQLite
 * has committed, so a SIGKILL right after a round ends cannot lose it (WAL
 * with synchronous=FULL makes the commit durable before returning).
 *
 * @example
 *   const store = new RoundStore('./data/gradient-rally.sqlite');
 *   store.saveRound({ ... }, hostSecret);
 *   store.getRound(id, hostSecret);
 */
export class RoundStore {
  private readonly db: Database.Database;
  private readonly insertRound: Database.Statement;
  private readonly selectRound: Database.Statement;
  private readonly selectRoundIds: Database.Statement;
  private readonly insertLandscape: Database.Statement;
  private readonly selectLandscapes: Database.Statement;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS rounds (
        id TEXT PRIMARY KEY,
        code TEXT NOT NULL,
        round INTEGER NOT NULL,
        finished_at TEXT NOT NULL,
        host_secret_hash TEXT NOT NULL,
        settings TEXT NOT NULL,
        seed TEXT NOT NULL,
        record TEXT NOT NULL,
        results TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS rounds_code ON rounds(code);
      CREATE TABLE IF NOT EXISTS landscapes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        spec TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
    `);
    this.insertRound = this.db.prepare(
      `INSERT INTO rounds (id, code, round, finished_at, host_secret_hash, settings, seed, record, results)
       VALUES (@id, @code, @round, @finishedAt, @hash, @settings, @seed, @record, @results)`,
    );
    this.selectRound = this.db.prepare(`SELECT * FROM rounds WHERE id = ?`);
    this.selectRoundIds = this.db.prepare(`SELECT id FROM rounds WHERE code = ? ORDER BY round`);
    this.insertLandscape = this.db.prepare(`INSERT INTO landscapes (name, spec, created_at) VALUES (?, ?, ?)`);
    this.selectLandscapes = this.db.prepare(`SELECT * FROM landscapes ORDER BY id`);
  }

  /** Stores a finished round; committed to disk when this returns. */
  saveRound(round: StoredRound, hostSecret: string): void {
    this.insertRound.run({
      id: round.id,
      code: round.code,
      round: round.round,
      finishedAt: round.finishedAt,
      hash: hashSecret(hostSecret),
      settings: JSON.stringify(round.settings),
      seed: round.seed,
      record: JSON.stringify(round.record),
      results: JSON.stringify(round.results),
    });
  }

  /**
   * A stored round, or undefined when there is none. With `hostSecret`, only
   * if it is the secret of the room that played it (constant-time compare of
   * hashes); without, unconditionally (for server-side code and tests).
   */
  getRound(id: string, hostSecret?: string): StoredRound | undefined {
    const row = this.selectRound.get(id) as Record<string, string | number> | undefined;
    if (!row) return undefined;
    if (hostSecret !== undefined && !sameHash(String(row.host_secret_hash), hashSecret(hostSecret))) return undefined;
    return {
      id: String(row.id),
      code: String(row.code),
      round: Number(row.round),
      finishedAt: String(row.finished_at),
      settings: JSON.parse(String(row.settings)),
      seed: String(row.seed),
      record: JSON.parse(String(row.record)),
      results: JSON.parse(String(row.results)),
    };
  }

  /** Ids of the rounds a room (join code) played, in order. */
  roundIds(code: string): string[] {
    return (this.selectRoundIds.all(code) as { id: string }[]).map((r) => r.id);
  }

  saveLandscape(name: string, spec: unknown): number {
    const info = this.insertLandscape.run(name, JSON.stringify(spec), new Date().toISOString());
    return Number(info.lastInsertRowid);
  }

  listLandscapes(): StoredLandscape[] {
    return (this.selectLandscapes.all() as Record<string, string | number>[]).map((r) => ({
      id: Number(r.id),
      name: String(r.name),
      spec: JSON.parse(String(r.spec)),
      createdAt: String(r.created_at),
    }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // ───────────── sessions (the workshop: every round a room played, for its host) ─────────────

  /**
   * Every round the room with join code `code` played under `hostSecret`, in
   * order: a code is reused once its room is gone, and the secret tells this
   * room's rounds from an earlier room's. Empty for a wrong secret.
   */
  roundsOfHost(code: string, hostSecret: string): StoredRound[] {
    this.selectRoundsOfHost ??= this.db.prepare(`SELECT id FROM rounds WHERE code = ? AND host_secret_hash = ? ORDER BY round`);
    const ids = this.selectRoundsOfHost.all(code, hashSecret(hostSecret)) as { id: string }[];
    return ids.map((r) => this.getRound(r.id)).filter((r): r is StoredRound => r !== undefined);
  }

  private selectRoundsOfHost: Database.Statement | undefined;
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
