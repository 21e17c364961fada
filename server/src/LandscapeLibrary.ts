import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { LIBRARY_LIMITS, utf8Length, type LibraryEntry, type StoredLibraryEntry } from '@gradient-rally/shared';

/** An instructor key: a secret the browser made (32 to 64 URL-safe characters; the page makes 43). */
export const INSTRUCTOR_KEY = /^[A-Za-z0-9_-]{32,64}$/;

/** Why a write was refused (the route answers with `status` and the message). */
export interface LibraryRefusal {
  status: 404 | 409 | 507;
  message: string;
  field?: string;
}

/** A shared entry as anyone with its link reads it: what makes the entry, nothing of its owner. */
export type SharedLibraryEntry = LibraryEntry;

export interface LibraryOptions {
  /** Entries one key may keep (default `LIBRARY_LIMITS.entriesPerKey`). */
  entriesPerKey?: number;
  /** Entries in the whole library, every key together (LIBRARY_MAX_ENTRIES, default 50,000: 400 MB at the entry limit). */
  maxEntries?: number;
}

/**
 * The instructors' landscape libraries, in SQLite beside the rounds (its own
 * table, its own connection to the same file). A library belongs to an
 * instructor key and nobody else: rows are found by the key's SHA-256, never
 * by id alone, so another key — or no key — gets nothing, not even whether
 * an id exists. An entry can be shared: a random share id then reads it (and
 * only it), read-only.
 *
 * Entries arrive validated (`parseLibraryEntry`); this class bounds the count
 * per key and in all, and stores the JSON as given. Writes are synchronous
 * and transactional (count and insert together).
 *
 * @example
 *   const library = new LandscapeLibrary('./data/gradient-rally.sqlite');
 *   const saved = library.create(key, parseLibraryEntry(body));
 *   library.list(otherKey); // []
 */
export class LandscapeLibrary {
  private readonly db: Database.Database;
  private readonly entriesPerKey: number;
  private readonly maxEntries: number;
  private readonly statements: Record<
    'list' | 'get' | 'count' | 'total' | 'insert' | 'update' | 'remove' | 'share' | 'shared' | 'owned',
    Database.Statement
  >;

  constructor(path: string, options: LibraryOptions = {}) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS library_entries (
        id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        entry TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        share_id TEXT UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS library_entries_owner ON library_entries(owner, created_at);
    `);
    this.entriesPerKey = options.entriesPerKey ?? LIBRARY_LIMITS.entriesPerKey;
    this.maxEntries = options.maxEntries ?? 50_000;
    const q = (sql: string) => this.db.prepare(sql);
    this.statements = {
      list: q(`SELECT * FROM library_entries WHERE owner = ? ORDER BY created_at, id`),
      get: q(`SELECT * FROM library_entries WHERE owner = ? AND id = ?`),
      count: q(`SELECT COUNT(*) AS n FROM library_entries WHERE owner = ?`),
      total: q(`SELECT COUNT(*) AS n FROM library_entries`),
      owned: q(`SELECT 1 FROM library_entries WHERE owner = ? LIMIT 1`),
      insert: q(`INSERT INTO library_entries (id, owner, entry, bytes, share_id, created_at, updated_at) VALUES (?, ?, ?, ?, NULL, ?, ?)`),
      update: q(`UPDATE library_entries SET entry = ?, bytes = ?, updated_at = ? WHERE owner = ? AND id = ?`),
      remove: q(`DELETE FROM library_entries WHERE owner = ? AND id = ?`),
      share: q(`UPDATE library_entries SET share_id = ? WHERE owner = ? AND id = ?`),
      shared: q(`SELECT * FROM library_entries WHERE share_id = ?`),
    };
  }

  /** Whether a key owns any entry yet (a first write from a new key is counted against its address). */
  knows(key: string): boolean {
    return this.statements.owned.get(ownerOf(key)) !== undefined;
  }

  /** A key's entries, oldest first. */
  list(key: string): StoredLibraryEntry[] {
    return (this.statements.list.all(ownerOf(key)) as Row[]).map(toStored);
  }

  get(key: string, id: string): StoredLibraryEntry | undefined {
    const row = this.statements.get.get(ownerOf(key), id) as Row | undefined;
    return row ? toStored(row) : undefined;
  }

  /** Adds entries (one, or an import) all together or not at all. */
  create(key: string, entries: readonly LibraryEntry[]): StoredLibraryEntry[] | LibraryRefusal {
    const owner = ownerOf(key);
    const run = this.db.transaction((): StoredLibraryEntry[] | LibraryRefusal => {
      const have = (this.statements.count.get(owner) as { n: number }).n;
      if (have + entries.length > this.entriesPerKey) {
        return {
          status: 409,
          field: 'entries',
          message:
            entries.length === 1
              ? `your library is full: ${this.entriesPerKey} entries at most; delete one (or export the library and start another) first`
              : `an import of ${entries.length} entries into a library of ${have} would pass the limit of ${this.entriesPerKey}: delete some entries first`,
        };
      }
      const total = (this.statements.total.get() as { n: number }).n;
      if (total + entries.length > this.maxEntries) {
        return {
          status: 507,
          message: 'this server’s landscape library is full: ask its operator, or keep your entries in an exported file',
        };
      }
      const now = new Date().toISOString();
      return entries.map((entry) => {
        const id = newId(12);
        const json = JSON.stringify(entry);
        this.statements.insert.run(id, owner, json, utf8Length(json), now, now);
        return { ...entry, id, createdAt: now, updatedAt: now, shareId: null };
      });
    });
    return run();
  }

  update(key: string, id: string, entry: LibraryEntry): StoredLibraryEntry | LibraryRefusal {
    const json = JSON.stringify(entry);
    const info = this.statements.update.run(json, utf8Length(json), new Date().toISOString(), ownerOf(key), id);
    if (info.changes === 0) return notFound();
    return this.get(key, id)!;
  }

  remove(key: string, id: string): boolean {
    return this.statements.remove.run(ownerOf(key), id).changes > 0;
  }

  /** Shares an entry: its read-only link id (the same one each time until unshared). */
  share(key: string, id: string): string | LibraryRefusal {
    const entry = this.get(key, id);
    if (!entry) return notFound();
    if (entry.shareId) return entry.shareId;
    const shareId = newId(20);
    this.statements.share.run(shareId, ownerOf(key), id);
    return shareId;
  }

  /** Stops sharing: the old link reads nothing from now on. */
  unshare(key: string, id: string): boolean {
    return this.statements.share.run(null, ownerOf(key), id).changes > 0;
  }

  /** The entry behind a share link, read-only, or undefined. */
  shared(shareId: string): SharedLibraryEntry | undefined {
    const row = this.statements.shared.get(shareId) as Row | undefined;
    if (!row) return undefined;
    const { title, lesson, terrain, preset } = JSON.parse(row.entry) as LibraryEntry;
    return { title, lesson, terrain, preset };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

interface Row {
  id: string;
  owner: string;
  entry: string;
  bytes: number;
  share_id: string | null;
  created_at: string;
  updated_at: string;
}

function toStored(row: Row): StoredLibraryEntry {
  const { title, lesson, terrain, preset } = JSON.parse(row.entry) as LibraryEntry;
  return { id: row.id, title, lesson, terrain, preset, createdAt: row.created_at, updatedAt: row.updated_at, shareId: row.share_id };
}

/** Rows are kept under the key's hash: a copy of the database file does not hand out anyone's key. */
function ownerOf(key: string): string {
  return createHash('sha256').update(`instructor-key:${key}`).digest('hex');
}

const ID_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** A random id of `n` characters (5 bits each: 60 bits for entries, 100 for share links). */
function newId(n: number): string {
  const bytes = randomBytes(n);
  let out = '';
  for (let i = 0; i < n; i++) out += ID_ALPHABET[bytes[i] & 31];
  return out;
}

function notFound(): LibraryRefusal {
  return { status: 404, message: 'no entry with that id in your library' };
}
