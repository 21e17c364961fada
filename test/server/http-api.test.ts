import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLandscape, landscapeCatalogue, OPTIMIZER_KINDS } from '@gradient-rally/shared';
import { bootGame, createHost, quickSettings, until, type Booted } from './harness';

/** The small JSON API beside the game socket, as it answers today. */
describe('HTTP API: catalogue, name suggestions, landscape library', () => {
  let server: Booted;
  beforeAll(async () => {
    server = await bootGame();
  });
  afterAll(async () => {
    await server.close();
  });

  it('GET /api/catalogue lists the landscapes, the optimizer kinds and the saved library', async () => {
    const res = await server.http('/api/catalogue');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = await res.json();
    expect(body.optimizers).toEqual([...OPTIMIZER_KINDS]);
    expect(body.landscapes).toEqual(JSON.parse(JSON.stringify(landscapeCatalogue())));
    // Every catalogue entry builds, and shows what a host picks from.
    for (const entry of body.landscapes) {
      expect(typeof entry.title).toBe('string');
      expect(createLandscape(entry.spec).info.bounds).toBeTruthy();
    }
    expect(Array.isArray(body.library)).toBe(true);
  });

  it('GET /api/names/suggest offers a friendly two-word name', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const res = await server.http('/api/names/suggest');
      expect(res.status).toBe(200);
      const { name } = await res.json();
      expect(name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
      names.add(name);
    }
    expect(names.size).toBeGreaterThan(1);
  });

  it('POST /api/landscapes needs the host secret of a live room, a name and a landscape that builds', async () => {
    const spec = { kind: 'expression', expr: 'x^2 + 3*y^2' };
    const post = (body: string, secret?: string) =>
      server.http('/api/landscapes', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret ? { authorization: `Bearer ${secret}` } : {}) },
        body,
      });
    const json = (v: unknown) => JSON.stringify(v);

    const anonymous = await post(json({ name: 'Bowl', spec }));
    expect(anonymous.status).toBe(403);
    expect((await anonymous.json()).error).toMatch(/host secret of a live room/);
    expect((await post(json({ name: 'Bowl', spec }), 'guessed-secret-1234')).status).toBe(403);

    const host = await createHost(server.client(), quickSettings());
    const secret = host.welcome!.hostSecret!;

    const notJson = await post('{ name: Bowl', secret);
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error).toMatch(/must be JSON/);
    for (const name of ['', '   ', 'x'.repeat(81), 42]) {
      const bad = await post(json({ name, spec }), secret);
      expect(bad.status, String(name)).toBe(400);
      expect((await bad.json()).error).toBe('name: 1 to 80 characters');
    }
    const badSpec = await post(json({ name: 'Broken', spec: { kind: 'expression', expr: 'x^2 +' } }), secret);
    expect(badSpec.status).toBe(400);
    expect((await badSpec.json()).error).toMatch(/^spec\.expr/);
    const tooBig = await post(json({ name: 'Huge', spec, pad: 'x'.repeat(65 * 1024) }), secret);
    expect(tooBig.status).toBe(413);
    expect((await tooBig.json()).error).toMatch(/64 KB/);

    const created = await post(json({ name: '  Bowl  ', spec }), secret);
    expect(created.status).toBe(201);
    const { id } = await created.json();
    expect(Number.isInteger(id)).toBe(true);

    // Listed (name trimmed, spec normalised) in the library and in the catalogue.
    const list = await (await server.http('/api/landscapes')).json();
    const saved = list.find((l: { id: number }) => l.id === id);
    expect(saved).toMatchObject({ name: 'Bowl', spec: JSON.parse(JSON.stringify(createLandscape(spec).spec)) });
    expect(Number.isNaN(Date.parse(saved.createdAt))).toBe(false);
    const catalogue = await (await server.http('/api/catalogue')).json();
    expect(catalogue.library.map((l: { id: number }) => l.id)).toContain(id);

    // Once the room is gone, its secret no longer adds to the library.
    await host.room.leave();
    await until(() => !server.colyseus.getRoomById(host.welcome!.code), 10_000, 'room disposed');
    expect((await post(json({ name: 'Late', spec }), secret)).status).toBe(403);
  });

  it('anything else is a JSON 404 (no client build in tests)', async () => {
    const unknown = await server.http('/api/nothing');
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toMatch(/no API route at \/api\/nothing/);
    // A known route asked with the wrong method says which methods it takes.
    for (const [path, method] of [
      ['/api/landscapes', 'PUT'],
      ['/api/names/suggest', 'POST'],
    ]) {
      const res = await server.http(path, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow'), `${method} ${path}`).toBeTruthy();
    }
  });
});
