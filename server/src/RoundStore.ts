import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import type { RaceRecord, RaceSettings, RecordCounts, RecordTail, Seed } from '@gradient-rally/shared';

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

/** A live room as last checkpointed: its state, and its race record put back together (null between rounds). */
export interface StoredLiveRoom {
  code: string;
  /** The room's state JSON (`RoomCheckpoint`). */
  checkpoint: unknown;
  record: RaceRecord | null;
  savedAt: string;
}

/** One checkpoint write: the room's state, and what changed in its race record since the last write. */
export interface LiveRoomWrite {
  code: string;
  checkpoint: unknown;
  /** The race's head when a new race begins (its events so far are then `tail`, replacing any older ones); null to keep the stored one. */
  raceHead: { round: number; settings: RaceSettings; seed: Seed } | null;
  /** No race any more: drop the stored record. */
  dropRace: boolean;
  /** Events to append after the `from` already stored (zero counts after a new `raceHead`), and the race's tick now. */
  tail: { from: RecordCounts; events: RecordTail } | null;
}

const EVENT_KINDS = ['racers', 'changes', 'removals'] as const;

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
 * Live rooms are checkpointed too (`saveLiveRoom`, each second and after
 * each change): the room's state as one row, its race record as appended
 * events, so a write costs what changed, not the whole record. Those writes
 * go through a second connection with synchronous=NORMAL: in WAL mode a
 * commit then survives the process being killed (what checkpoints are for)
 * without waiting for the disk each second.
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
  /** The connection checkpoints are written through (the same one for ':memory:'). */
  private readonly live: Database.Database;
  private readonly liveStatements: {
    upsertRoom: Database.Statement;
    setRace: Database.Statement;
    setEndTick: Database.Statement;
    clearEvents: Database.Statement;
    insertEvent: Database.Statement;
    deleteRoom: Database.Statement;
    selectRooms: Database.Statement;
    selectEvents: Database.Statement;
  };

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
      CREATE TABLE IF NOT EXISTS live_rooms (
        code TEXT PRIMARY KEY,
        checkpoint TEXT NOT NULL,
        race_head TEXT,
        end_tick INTEGER NOT NULL DEFAULT 0,
        saved_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS live_race_events (
        code TEXT NOT NULL,
        kind TEXT NOT NULL,
        idx INTEGER NOT NULL,
        event TEXT NOT NULL,
        PRIMARY KEY (code, kind, idx)
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

    this.live = path === ':memory:' ? this.db : new Database(path);
    if (this.live !== this.db) this.live.pragma('synchronous = NORMAL');
    this.liveStatements = {
      upsertRoom: this.live.prepare(
        `INSERT INTO live_rooms (code, checkpoint, saved_at) VALUES (?, ?, ?)
         ON CONFLICT(code) DO UPDATE SET checkpoint = excluded.checkpoint, saved_at = excluded.saved_at`,
      ),
      setRace: this.live.prepare(`UPDATE live_rooms SET race_head = ? WHERE code = ?`),
      setEndTick: this.live.prepare(`UPDATE live_rooms SET end_tick = ? WHERE code = ?`),
      clearEvents: this.live.prepare(`DELETE FROM live_race_events WHERE code = ?`),
      insertEvent: this.live.prepare(`INSERT OR REPLACE INTO live_race_events (code, kind, idx, event) VALUES (?, ?, ?, ?)`),
      deleteRoom: this.live.prepare(`DELETE FROM live_rooms WHERE code = ?`),
      selectRooms: this.live.prepare(`SELECT * FROM live_rooms ORDER BY saved_at`),
      selectEvents: this.live.prepare(`SELECT kind, event FROM live_race_events WHERE code = ? ORDER BY kind, idx`),
    };
  }

  /** Writes a live room's checkpoint in one transaction (durable against the process being killed once this returns). */
  saveLiveRoom(write: LiveRoomWrite, now = new Date()): void {
    const st = this.liveStatements;
    this.live.transaction(() => {
      st.upsertRoom.run(write.code, JSON.stringify(write.checkpoint), now.toISOString());
      if (write.dropRace || write.raceHead) {
        st.clearEvents.run(write.code);
        st.setRace.run(write.raceHead ? JSON.stringify(write.raceHead) : null, write.code);
      }
      if (write.tail) {
        const { from, events } = write.tail;
        for (const kind of EVENT_KINDS) {
          events[kind].forEach((e, i) => st.insertEvent.run(write.code, kind, from[kind] + i, JSON.stringify(e)));
        }
        st.setEndTick.run(events.endTick, write.code);
      }
    })();
  }

  /** Forgets a live room (it closed normally, or could not be restored). */
  deleteLiveRoom(code: string): void {
    this.live.transaction(() => {
      this.liveStatements.clearEvents.run(code);
      this.liveStatements.deleteRoom.run(code);
    })();
  }

  /** Every live room checkpointed and not closed since, oldest first. */
  liveRooms(): StoredLiveRoom[] {
    const rows = this.liveStatements.selectRooms.all() as {
      code: string;
      checkpoint: string;
      race_head: string | null;
      end_tick: number;
      saved_at: string;
    }[];
    return rows.map((row) => {
      let record: RaceRecord | null = null;
      if (row.race_head) {
        const head = JSON.parse(row.race_head) as { settings: RaceSettings; seed: Seed };
        const events: Pick<RaceRecord, 'racers' | 'changes' | 'removals'> = { racers: [], changes: [], removals: [] };
        for (const e of this.liveStatements.selectEvents.all(row.code) as { kind: (typeof EVENT_KINDS)[number]; event: string }[]) {
          (events[e.kind] as unknown[]).push(JSON.parse(e.event));
        }
        record = {
          format: 'gradient-rally/race-record',
          version: 1,
          settings: head.settings,
          seed: head.seed,
          ...events,
          endTick: Number(row.end_tick),
        };
      }
      return { code: row.code, checkpoint: JSON.parse(row.checkpoint), record, savedAt: row.saved_at };
    });
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
    if (this.live !== this.db && this.live.open) this.live.close();
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
