import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLandscape, LIBRARY_LIMITS, libraryFile, parseLibraryEntry } from '@gradient-rally/shared';
import { createGameServer, type GameServer } from '../../server/src/createGameServer';
import { createLogger } from '../../server/src/logger';

/**
 * The instructors' landscape library over HTTP, against the real server
 * process: a library belongs to its key (another key, or none, gets nothing),
 * entries and libraries are bounded in size and count, a bad entry is refused
 * with the field named, a shared link is read-only, requests are counted per
 * address, and the library outlives a restart.
 */
const KEY_A = `${'a'.repeat(20)}${'A_-'.repeat(5)}0123456789`;
const KEY_B = 'b'.repeat(43);

const bowl = (title = 'Bowl', extra: Record<string, unknown> = {}) => ({
  title,
  lesson: 'Every optimizer finds the bottom of a bowl; watch how fast.',
  terrain: { kind: 'expression', expr: 'x^2 + 3*y^2' },
  preset: { settings: { roundSeconds: 30 }, contrast: [{ label: 'Plain SGD, lr 0.05', optimizer: { kind: 'sgd', lr: 0.05 } }] },
  ...extra,
});
const spirals = {
  title: 'Spirals, deep relu',
  lesson: 'He initialisation keeps three relu layers alive.',
  terrain: {
    kind: 'mlp',
    dataset: 'spirals',
    samples: 200,
    noise: 0.1,
    seed: 3,
    layers: [2, 8, 8, 8, 2],
    activation: 'relu',
    init: 'he',
    slice: true,
  },
};

async function boot(
  dbPath: string,
  rules: Record<string, { limit: number; seconds: number }> = {},
): Promise<{ game: GameServer; url: string }> {
  const game = await createGameServer({
    port: 0,
    host: '127.0.0.1',
    dbPath,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    staticDir: join(dbPath, '..', 'no-client'),
    workshopRules: rules,
    // One process: its per-address windows stay in memory (with REDIS_URL they would be shared with every
    // other test file and earlier runs, and the 'new libraries per hour' window would already be spent).
    redisUrl: '',
  });
  const port = await game.listen();
  return { game, url: `http://127.0.0.1:${port}` };
}

describe('the landscape library over HTTP', () => {
  let dir: string;
  let game: GameServer;
  let url: string;
  const call = (path: string, key: string | null, init: RequestInit & { json?: unknown } = {}) =>
    fetch(`${url}${path}`, {
      ...init,
      body: init.json === undefined ? init.body : JSON.stringify(init.json),
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...(init.headers ?? {}) },
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gr-library-'));
    ({ game, url } = await boot(join(dir, 'db.sqlite'), { writes: { limit: 500, seconds: 60 }, reads: { limit: 500, seconds: 60 } }));
  });
  afterAll(async () => {
    await game?.close();
  });

  it('belongs to its key: another key, or none, gets nothing — not even whether an id exists', async () => {
    const created = await call('/api/landscapes', KEY_A, { method: 'POST', json: bowl() });
    expect(created.status).toBe(201);
    const { entry } = await created.json();
    expect(entry).toMatchObject({ title: 'Bowl', shareId: null });
    expect(entry.terrain).toEqual(JSON.parse(JSON.stringify(createLandscape({ kind: 'expression', expr: 'x^2 + 3*y^2' }).spec)));
    expect(entry.id).toMatch(/^[a-z0-9]{12}$/);

    const mine = await (await call('/api/landscapes', KEY_A)).json();
    expect(mine.entries.map((e: { id: string }) => e.id)).toEqual([entry.id]);
    expect(mine.limits).toEqual({ entriesPerKey: LIBRARY_LIMITS.entriesPerKey, entryBytes: LIBRARY_LIMITS.entryBytes });

    expect((await (await call('/api/landscapes', KEY_B)).json()).entries).toEqual([]);
    for (const [method, path] of [
      ['GET', `/api/landscapes/${entry.id}`],
      ['PUT', `/api/landscapes/${entry.id}`],
      ['DELETE', `/api/landscapes/${entry.id}`],
      ['POST', `/api/landscapes/${entry.id}/share`],
    ] as const) {
      const res = await call(path, KEY_B, { method, json: method === 'PUT' ? bowl('Stolen') : undefined });
      expect(res.status, `${method} ${path}`).toBe(404);
      // The same answer as for an id that never existed.
      const ghost = await call(path.replace(entry.id, 'zzzzzzzzzzzz'), KEY_B, {
        method,
        json: method === 'PUT' ? bowl('Stolen') : undefined,
      });
      expect(await ghost.json()).toEqual(await res.json());
    }
    // Still there, unchanged, for its owner.
    expect((await (await call(`/api/landscapes/${entry.id}`, KEY_A)).json()).entry.title).toBe('Bowl');

    const anonymous = await call('/api/landscapes', null);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error).toMatch(/instructor key is required/);
    expect((await call('/api/landscapes', 'short-key')).status).toBe(401);
    // The old public listings are gone (issue 12: saved landscapes visible only to their owner).
    const catalogue = await (await fetch(`${url}/api/catalogue`)).json();
    expect(catalogue.library).toBeUndefined();
    expect(JSON.stringify(catalogue)).not.toContain('Every optimizer finds the bottom');
  });

  it('its owner edits, shares and deletes; a shared link reads one entry, read-only, without a key', async () => {
    const { entry } = await (await call('/api/landscapes', KEY_A, { method: 'POST', json: spirals })).json();
    const edited = await call(`/api/landscapes/${entry.id}`, KEY_A, { method: 'PUT', json: { ...spirals, title: 'Spirals (edited)' } });
    expect(edited.status).toBe(200);
    expect((await edited.json()).entry.title).toBe('Spirals (edited)');

    const share = await (await call(`/api/landscapes/${entry.id}/share`, KEY_A, { method: 'POST' })).json();
    expect(share.shareId).toMatch(/^[a-z0-9]{20}$/);
    expect(share.link).toBe(`/?library=${share.shareId}`);
    // Sharing again gives the same link.
    expect((await (await call(`/api/landscapes/${entry.id}/share`, KEY_A, { method: 'POST' })).json()).shareId).toBe(share.shareId);

    const read = await fetch(`${url}/api/shared-landscapes/${share.shareId}`);
    expect(read.status).toBe(200);
    const shared = (await read.json()).entry;
    expect(Object.keys(shared).sort()).toEqual(['lesson', 'preset', 'terrain', 'title']);
    expect(shared.title).toBe('Spirals (edited)');
    // Another instructor copies it into their own library.
    const copy = await call('/api/landscapes', KEY_B, { method: 'POST', json: shared });
    expect(copy.status).toBe(201);
    expect((await (await call('/api/landscapes', KEY_B)).json()).entries.map((e: { title: string }) => e.title)).toEqual([
      'Spirals (edited)',
    ]);

    // Read-only: no method but GET changes anything, with a key or without.
    for (const method of ['PUT', 'DELETE', 'POST', 'PATCH']) {
      for (const key of [null, KEY_A, KEY_B]) {
        const res = await call(`/api/shared-landscapes/${share.shareId}`, key, {
          method,
          json: method === 'DELETE' ? undefined : { ...spirals, title: 'Defaced' },
        });
        expect(res.status, `${method} with ${key ? 'a key' : 'no key'}`).toBe(405);
        expect(res.headers.get('allow')).toBe('GET, HEAD');
      }
    }
    // The share id is no key: it opens nobody's library.
    expect((await call('/api/landscapes', share.shareId)).status).toBe(401);
    expect((await (await fetch(`${url}/api/shared-landscapes/${share.shareId}`)).json()).entry.title).toBe('Spirals (edited)');

    // Unsharing ends the link; deleting ends the entry.
    expect((await call(`/api/landscapes/${entry.id}/share`, KEY_A, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${url}/api/shared-landscapes/${share.shareId}`)).status).toBe(404);
    expect((await call(`/api/landscapes/${entry.id}`, KEY_A, { method: 'DELETE' })).status).toBe(204);
    expect((await call(`/api/landscapes/${entry.id}`, KEY_A)).status).toBe(404);
  });

  it('refuses bad entries with the field named, before storing anything', async () => {
    const key = 'c'.repeat(40);
    const cases: [unknown, string, RegExp][] = [
      [{ ...spirals, terrain: { ...spirals.terrain, layers: [2, 8, 8, 8, 3] } }, 'entry.terrain.layers[4]', /2 classes/],
      [{ ...spirals, terrain: { ...spirals.terrain, layers: [2, 40, 2] } }, 'entry.terrain.layers[1]', /./],
      [{ ...spirals, terrain: { ...spirals.terrain, activation: 'swish' } }, 'entry.terrain.activation', /tanh/],
      [{ ...spirals, terrain: { ...spirals.terrain, init: 'lecun' } }, 'entry.terrain.init', /xavier/],
      [{ ...spirals, terrain: { ...spirals.terrain, dataset: 'mnist' } }, 'entry.terrain.dataset', /spirals/],
      [{ ...spirals, terrain: { ...spirals.terrain, samples: 100_000 } }, 'entry.terrain.samples', /2000/],
      [bowl('Broken', { terrain: { kind: 'expression', expr: 'x^2 +' } }), 'entry.terrain.expr', /position/],
      [bowl('Builtin', { terrain: { kind: 'rosenbrock' } }), 'entry.terrain.kind', /catalogue/],
      [
        bowl('Raw', {
          terrain: { kind: 'mlp', layers: [2, 2], activation: 'tanh', data: { x: [[0, 0]], y: [0] }, center: [0, 0, 0, 0, 0, 0] },
        }),
        'entry.terrain.dataset',
        /recipe/,
      ],
      [bowl('Short', { preset: { settings: { roundSeconds: 2 } } }), 'entry.preset.settings.roundSeconds', /\[5, 1800\]/],
      [bowl('Fields', { preset: { settings: { maxPlayers: 4 } } }), 'entry.preset.settings.maxPlayers', /not a known field|unknown/i],
      [
        bowl('Contrast', { preset: { contrast: [{ label: 'Too fast', optimizer: { kind: 'sgd', lr: 50 } }] } }),
        'entry.preset.contrast[0].optimizer.lr',
        /range/,
      ],
      [bowl(''), 'entry.title', /1 to 80/],
      [bowl('x'.repeat(81)), 'entry.title', /1 to 80/],
      [bowl('Two\nlines'), 'entry.title', /one line/],
      [{ ...bowl(), owner: 'me' }, 'entry.owner', /./],
      [bowl('Long lesson', { lesson: 'w'.repeat(LIBRARY_LIMITS.lessonChars + 1) }), 'entry.lesson', /1500/],
      // Too heavy for a class of 40 on the server's room budget: the cost model names what to change.
      [
        { ...spirals, terrain: { ...spirals.terrain, samples: 2000, layers: [2, 32, 32, 32, 2], slice: false } },
        'entry.terrain',
        /class of 40.*ms of computing per second.*smaller network or fewer samples/,
      ],
    ];
    for (const [body, field, message] of cases) {
      const res = await call('/api/landscapes', key, { method: 'POST', json: body });
      const answer = await res.json();
      expect(res.status, field).toBe(400);
      expect(answer.field, answer.error).toBe(field);
      expect(answer.error.startsWith(`${field}: `), answer.error).toBe(true);
      expect(answer.error).toMatch(message);
      // The same words the builder shows (shared's parser).
      expect(() => parseLibraryEntry(body)).toThrow(answer.error);
    }
    expect((await call('/api/landscapes', key, { method: 'POST', body: '{ not json' })).status).toBe(400);
    expect((await (await call('/api/landscapes', key)).json()).entries).toEqual([]);
  });

  it('bounds entry size, entries per key, imports (all or nothing) and bodies', async () => {
    const key = 'd'.repeat(40);
    // An entry over 8 KB of UTF-8 JSON is refused as a whole, before its fields are read
    // (valid fields stay under it: 1,500 characters of lesson are at most 4.5 KB).
    const fat = await call('/api/landscapes', key, { method: 'POST', json: bowl('Fat', { lesson: '€'.repeat(3000) }) });
    expect(fat.status).toBe(400);
    const fatAnswer = await fat.json();
    expect(fatAnswer.field).toBe('entry');
    expect(fatAnswer.error).toMatch(/^entry: is 9(\.\d)? KB of JSON; an entry may be at most 8 KB$/);
    // A body over 16 KB is refused before it is parsed.
    const huge = await call('/api/landscapes', key, { method: 'POST', body: JSON.stringify({ ...bowl(), pad: 'x'.repeat(20 * 1024) }) });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error).toMatch(/16 KB/);

    // Up to the per-key limit, then a clear refusal.
    const file = libraryFile(Array.from({ length: LIBRARY_LIMITS.entriesPerKey - 1 }, (_, i) => parseLibraryEntry(bowl(`Bowl ${i}`))));
    const imported = await call('/api/landscapes/import', key, { method: 'POST', json: file });
    expect(imported.status).toBe(201);
    expect((await imported.json()).entries).toHaveLength(LIBRARY_LIMITS.entriesPerKey - 1);
    const have = (await (await call('/api/landscapes', key)).json()).entries.length;
    expect(have).toBe(LIBRARY_LIMITS.entriesPerKey - 1);
    // An import that would pass the limit adds nothing.
    const over = await call('/api/landscapes/import', key, {
      method: 'POST',
      json: libraryFile([parseLibraryEntry(bowl('A')), parseLibraryEntry(bowl('B'))]),
    });
    expect(over.status).toBe(409);
    expect((await over.json()).error).toMatch(new RegExp(`limit of ${LIBRARY_LIMITS.entriesPerKey}`));
    expect((await (await call('/api/landscapes', key)).json()).entries.length).toBe(have);
    while ((await (await call('/api/landscapes', key)).json()).entries.length < LIBRARY_LIMITS.entriesPerKey) {
      expect((await call('/api/landscapes', key, { method: 'POST', json: bowl('Last') })).status).toBe(201);
    }
    const full = await call('/api/landscapes', key, { method: 'POST', json: bowl('One too many') });
    expect(full.status).toBe(409);
    expect((await full.json()).error).toMatch(/your library is full: 50 entries at most/);
    // A bad entry inside an import names its place in the file.
    const bad = await call('/api/landscapes/import', 'e'.repeat(40), {
      method: 'POST',
      json: {
        ...libraryFile([parseLibraryEntry(bowl('Good'))]),
        entries: [bowl('Good'), bowl('Bad', { terrain: { kind: 'expression', expr: 'sin(' } })],
      },
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).field).toBe('file.entries[1].terrain.expr');
    expect((await (await call('/api/landscapes', 'e'.repeat(40))).json()).entries).toEqual([]);
    const wrongFile = await call('/api/landscapes/import', 'e'.repeat(40), { method: 'POST', json: { entries: [] } });
    expect((await wrongFile.json()).field).toBe('file.format');
  });

  it('an import of networks is checked one entry at a time: the server keeps answering in between', async () => {
    const nets = Array.from({ length: 40 }, (_, i) =>
      parseLibraryEntry({ ...spirals, title: `Net ${i}`, terrain: { ...spirals.terrain, seed: i, samples: 100 + i } }),
    );
    // The server runs in this process: a 2 ms timer here measures its event loop.
    let last = performance.now();
    let longest = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 2);
    const started = performance.now();
    const res = await call('/api/landscapes/import', 'i'.repeat(40), { method: 'POST', json: libraryFile(nets) });
    const total = performance.now() - started;
    clearInterval(timer);
    expect(res.status).toBe(201);
    expect((await res.json()).entries).toHaveLength(40);
    // Checked in one block, the loop would stand still for most of the import; entry by entry, never for long.
    expect(longest, `longest stall ${longest.toFixed(0)} ms of ${total.toFixed(0)} ms`).toBeLessThan(total / 3);
  });

  it('counts requests per address: writes, new libraries, shared reads', async () => {
    const d2 = mkdtempSync(join(tmpdir(), 'gr-library-limits-'));
    const limited = await boot(join(d2, 'db.sqlite'), {
      writes: { limit: 3, seconds: 60 },
      newKeys: { limit: 2, seconds: 3600 },
      sharedReads: { limit: 2, seconds: 60 },
    });
    try {
      const post = (key: string) =>
        fetch(`${limited.url}/api/landscapes`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(bowl()),
        });
      // Two new libraries from this address, then a third is refused (before it stores anything).
      expect((await post('f'.repeat(40))).status).toBe(201);
      expect((await post('g'.repeat(40))).status).toBe(201);
      const third = await post('h'.repeat(40));
      expect(third.status).toBe(429);
      expect((await third.json()).error).toMatch(/too many new libraries from your address: wait \d+ min and try again/);
      // Writes: 3 a minute in all (the refused third counted).
      const fourth = await post('f'.repeat(40));
      expect(fourth.status).toBe(429);
      expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await fourth.json()).error).toMatch(/too many library changes from your address: wait \d+ s/);

      const { entries } = await (
        await fetch(`${limited.url}/api/landscapes`, { headers: { authorization: `Bearer ${'f'.repeat(40)}` } })
      ).json();
      const shareId = limited.game.library.share('f'.repeat(40), entries[0].id) as string;
      expect((await fetch(`${limited.url}/api/shared-landscapes/${shareId}`)).status).toBe(200);
      expect((await fetch(`${limited.url}/api/shared-landscapes/${shareId}`)).status).toBe(200);
      expect((await fetch(`${limited.url}/api/shared-landscapes/${shareId}`)).status).toBe(429);
    } finally {
      await limited.game.close();
    }
  });

  it('outlives a restart (same file), and the old table is no longer readable by anyone', async () => {
    const before = (await (await call('/api/landscapes', KEY_A)).json()).entries;
    expect(before.length).toBeGreaterThan(0);
    await game.close();
    ({ game, url } = await boot(join(dir, 'db.sqlite')));
    expect((await (await call('/api/landscapes', KEY_A)).json()).entries).toEqual(before);
  });
});
