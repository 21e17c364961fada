import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLandscape, landscapeCatalogue, OPTIMIZER_KINDS } from '@gradient-rally/shared';
import { bootGame, createHost, quickSettings, type Booted } from './harness';

/** The small JSON API beside the game socket, as it answers today. */
describe('HTTP API: catalogue, name suggestions, landscape library', () => {
  let server: Booted;
  beforeAll(async () => {
    server = await bootGame();
  });
  afterAll(async () => {
    await server.close();
  });

  it("GET /api/catalogue lists the landscapes and the optimizer kinds (no one's saved landscapes)", async () => {
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
    expect(body.library).toBeUndefined();
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

  it("/api/landscapes is an instructor's own library: without the key it lists nothing (the full tests: landscapeLibrary.test.ts)", async () => {
    const anonymous = await server.http('/api/landscapes');
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error).toMatch(/instructor key is required/);
    // Not with a live room's host secret either: that secret is for the room, not a library.
    const host = await createHost(server.client(), quickSettings());
    const withSecret = await server.http('/api/landscapes', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${host.welcome!.hostSecret}` },
      body: JSON.stringify({ name: 'Bowl', spec: { kind: 'expression', expr: 'x^2 + 3*y^2' } }),
    });
    expect(withSecret.status).toBe(401);
    await host.room.leave();
  });

  it('anything else is a JSON 404, or 405 naming the methods a known route takes (no client build in tests)', async () => {
    for (const [path, method, status, message] of [
      ['/api/nothing', 'GET', 404, /no API route at \/api\/nothing/],
      ['/nothing.html', 'GET', 404, /not found/],
      ['/api/landscape', 'PUT', 405, /PUT is not accepted/],
      ['/api/landscapes', 'PUT', 405, /PUT is not accepted/],
      ['/api/names/suggest', 'POST', 405, /POST is not accepted/],
    ] as const) {
      const res = await server.http(path, { method });
      expect(res.status, `${method} ${path}`).toBe(status);
      expect((await res.json()).error).toMatch(message);
      if (status === 405) expect(res.headers.get('allow'), `${method} ${path}`).toBeTruthy();
    }
  });
});
