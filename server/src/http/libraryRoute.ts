import type { IncomingMessage, ServerResponse } from 'node:http';
import { LIBRARY_LIMITS, libraryFileEntries, parseLibraryEntry, SpecError, type LibraryEntry } from '@gradient-rally/shared';
import { INSTRUCTOR_KEY, type LandscapeLibrary, type LibraryRefusal } from '../LandscapeLibrary';
import type { Logger } from '../logger';
import type { AttemptLog } from './AttemptLog';
import { parseJsonObject, readBodyWithin, sendJson } from './requestBody';
import { bearerToken, takeWindow, type WorkshopRules } from './workshopLimits';

export interface LibraryRouteDeps {
  library: LandscapeLibrary;
  attempts: AttemptLog;
  rules: WorkshopRules;
  logger: Logger;
  addressOf(req: IncomingMessage): string;
}

/** One entry's body: the entry's 8 KB with room for JSON escaping. */
const ENTRY_BODY_BYTES = 2 * LIBRARY_LIMITS.entryBytes;
/** An import: a whole library of entries at their limit. */
const IMPORT_BODY_BYTES = LIBRARY_LIMITS.entriesPerKey * LIBRARY_LIMITS.entryBytes + 16 * 1024;

const ENTRY_ID = '[a-z0-9]{4,32}';
const ENTRY_PATH = new RegExp(`^/api/landscapes/(${ENTRY_ID})$`);
const SHARE_PATH = new RegExp(`^/api/landscapes/(${ENTRY_ID})/share$`);
const SHARED_PATH = new RegExp(`^/api/shared-landscapes/(${ENTRY_ID})$`);

/** The library's paths: the owner's `/api/landscapes…` and the read-only `/api/shared-landscapes/:id`. */
export function isLibraryPath(path: string): boolean {
  return path === '/api/landscapes' || path.startsWith('/api/landscapes/') || path.startsWith('/api/shared-landscapes/');
}

/**
 * The instructors' landscape library over HTTP (issue 13; issue 12's "saved
 * landscapes visible only to their owner unless shared"):
 *
 * | method and path                          | what |
 * |------------------------------------------|------|
 * | `GET /api/landscapes`                    | the key's entries, and the limits |
 * | `POST /api/landscapes`                   | add one entry (`LibraryEntry` JSON) → 201 |
 * | `POST /api/landscapes/import`            | add every entry of a library file, all or none → 201 |
 * | `GET, PUT, DELETE /api/landscapes/:id`   | one of the key's entries |
 * | `POST, DELETE /api/landscapes/:id/share` | share it (→ `{ shareId, link }`), or stop sharing |
 * | `GET /api/shared-landscapes/:shareId`    | a shared entry, read-only, no key needed |
 *
 * Every `/api/landscapes` call needs `Authorization: Bearer <instructor key>`
 * (checked before the body is read); a key sees and changes only its own
 * entries, and an id that is not its own is "not found" (ids cannot be
 * probed). Bodies are bounded (one entry 16 KB, an import 416 KB), requests
 * are counted per address (`WorkshopRules`), and every entry is validated by
 * shared's `parseLibraryEntry` (shape, terrain, preset, and the terrain cost a
 * class of 40 puts on the server): a refusal names the field.
 */
export async function handleLibrary(req: IncomingMessage, res: ServerResponse, path: string, deps: LibraryRouteDeps): Promise<void> {
  const method = req.method ?? 'GET';
  const address = deps.addressOf(req);

  const shared = SHARED_PATH.exec(path);
  if (shared || path.startsWith('/api/shared-landscapes/')) {
    if (method !== 'GET' && method !== 'HEAD')
      return notAllowed(res, 'GET, HEAD', `a shared landscape is read-only: copy it into your own library to change it`);
    if (!shared) return sendJson(res, 404, { error: 'no shared landscape at that link' });
    if (
      !(await takeWindow(
        deps.attempts,
        res,
        `shared-read:${address}`,
        deps.rules.sharedReads,
        'too many shared-link reads from your address',
      ))
    )
      return;
    const entry = deps.library.shared(shared[1]);
    if (!entry) return sendJson(res, 404, { error: 'no shared landscape at that link (it may have been unshared)' });
    return sendJson(res, 200, { entry });
  }

  const route = routeOf(path, method);
  if (!route) return sendJson(res, 404, { error: `no library route at ${path.slice(0, 80)}` });
  if ('allow' in route) return notAllowed(res, route.allow, `${method} is not accepted on ${path.slice(0, 80)}`);

  const key = bearerToken(req.headers.authorization);
  if (!key) {
    return sendJson(res, 401, {
      error: 'an instructor key is required (Authorization: Bearer <key>): the host dashboard makes one for this browser',
    });
  }
  if (!INSTRUCTOR_KEY.test(key)) return sendJson(res, 401, { error: 'the instructor key must be 32 to 64 letters, digits, - or _' });

  const lib = deps.library;
  if (route.kind === 'list' || route.kind === 'get') {
    if (!(await takeWindow(deps.attempts, res, `library-read:${address}`, deps.rules.reads, 'too many library reads from your address')))
      return;
    if (route.kind === 'list') {
      return sendJson(res, 200, {
        entries: lib.list(key),
        limits: { entriesPerKey: LIBRARY_LIMITS.entriesPerKey, entryBytes: LIBRARY_LIMITS.entryBytes },
      });
    }
    const entry = lib.get(key, route.id);
    return entry ? sendJson(res, 200, { entry }) : refuse(res, { status: 404, message: 'no entry with that id in your library' });
  }

  // Writes: counted, then the body is read (only after the key and the method passed).
  const write = `library-write:${address}`;
  if (!(await takeWindow(deps.attempts, res, write, deps.rules.writes, 'too many library changes from your address'))) return;
  let entries: LibraryEntry[] = [];
  if (route.kind === 'create' || route.kind === 'update' || route.kind === 'import') {
    const body = await readBodyWithin(
      req,
      res,
      route.kind === 'import' ? IMPORT_BODY_BYTES : ENTRY_BODY_BYTES,
      route.kind === 'import' ? 'the library file' : 'the entry',
    );
    if (body === null) return;
    const json = parseJsonObject(body);
    if (!json) return sendJson(res, 400, { error: 'the body must be a JSON object' });
    // Each entry of an import is a change of its own (validating one is the work a write costs).
    const more =
      route.kind === 'import' && Array.isArray(json.entries) ? Math.min(json.entries.length, LIBRARY_LIMITS.entriesPerKey) - 1 : 0;
    if (more > 0 && !(await takeWindow(deps.attempts, res, write, deps.rules.writes, 'too many library changes from your address', more)))
      return;
    try {
      if (route.kind === 'import') {
        // One entry at a time, the event loop free between them: 50 networks take ~0.3 s to check in all.
        for (const [i, raw] of libraryFileEntries(json, 'file').entries()) {
          if (i > 0) await new Promise((next) => setImmediate(next));
          entries.push(parseLibraryEntry(raw, `file.entries[${i}]`));
        }
      } else entries = [parseLibraryEntry(json, 'entry')];
    } catch (e) {
      if (e instanceof SpecError) return sendJson(res, 400, { error: e.message, field: e.path });
      throw e;
    }
  }

  switch (route.kind) {
    case 'create':
    case 'import': {
      // A key that owns nothing is a new library: few per address.
      const fresh = !lib.knows(key);
      const receipts = fresh
        ? await takeWindow(deps.attempts, res, `library-new:${address}`, deps.rules.newKeys, 'too many new libraries from your address')
        : [];
      if (!receipts) return;
      const made = lib.create(key, entries);
      if ('status' in made) {
        for (const r of receipts) await deps.attempts.refund(`library-new:${address}`, r).catch(() => undefined);
        return refuse(res, made);
      }
      deps.logger.info({ event: 'library-added', entries: made.length }, 'library entries added');
      return sendJson(res, 201, route.kind === 'create' ? { entry: made[0] } : { entries: made });
    }
    case 'update': {
      const updated = lib.update(key, route.id, entries[0]);
      return 'status' in updated ? refuse(res, updated) : sendJson(res, 200, { entry: updated });
    }
    case 'remove':
      if (!lib.remove(key, route.id)) return refuse(res, { status: 404, message: 'no entry with that id in your library' });
      res.writeHead(204);
      res.end();
      return;
    case 'share': {
      const shareId = lib.share(key, route.id);
      if (typeof shareId !== 'string') return refuse(res, shareId);
      return sendJson(res, 200, { shareId, link: `/?library=${shareId}` });
    }
    case 'unshare':
      if (!lib.unshare(key, route.id)) return refuse(res, { status: 404, message: 'no entry with that id in your library' });
      res.writeHead(204);
      res.end();
      return;
  }
}

type Route =
  | { kind: 'list'; id?: undefined }
  | { kind: 'create' | 'import'; id?: undefined }
  | { kind: 'get' | 'update' | 'remove' | 'share' | 'unshare'; id: string }
  | { allow: string };

function routeOf(path: string, method: string): Route | null {
  const read = method === 'GET' || method === 'HEAD';
  if (path === '/api/landscapes') {
    if (read) return { kind: 'list' };
    return method === 'POST' ? { kind: 'create' } : { allow: 'GET, HEAD, POST' };
  }
  if (path === '/api/landscapes/import') return method === 'POST' ? { kind: 'import' } : { allow: 'POST' };
  const share = SHARE_PATH.exec(path);
  if (share) {
    if (method === 'POST') return { kind: 'share', id: share[1] };
    return method === 'DELETE' ? { kind: 'unshare', id: share[1] } : { allow: 'POST, DELETE' };
  }
  const one = ENTRY_PATH.exec(path);
  if (one) {
    if (read) return { kind: 'get', id: one[1] };
    if (method === 'PUT') return { kind: 'update', id: one[1] };
    return method === 'DELETE' ? { kind: 'remove', id: one[1] } : { allow: 'GET, HEAD, PUT, DELETE' };
  }
  return null;
}

function refuse(res: ServerResponse, r: LibraryRefusal): void {
  sendJson(res, r.status, r.field ? { error: r.message, field: r.field } : { error: r.message });
}

function notAllowed(res: ServerResponse, allow: string, message: string): void {
  res.setHeader('allow', allow);
  sendJson(res, 405, { error: message });
}
