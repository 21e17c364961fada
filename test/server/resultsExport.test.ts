import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsToCsv } from '@gradient-rally/shared';
import { bootGame, createHost, joinPlayer, quickSettings, until, waitForPhase, type Booted } from './harness';

/**
 * The teacher's CSV through the real endpoint: nicknames are untrusted, and a
 * spreadsheet runs a cell beginning with =, +, - or @ as a formula. The
 * server's file must be the very one the host's Export CSV button makes.
 */
describe('results CSV from /api/rounds/:id.csv', () => {
  let server: Booted;
  beforeAll(async () => {
    server = await bootGame();
  });
  afterAll(async () => {
    await server.close();
  });

  it('escapes formula nicknames and matches the client export cell for cell', async () => {
    const host = await createHost(server.client(), quickSettings({ roundSeconds: 30 }));
    const code = host.welcome!.code;
    const names = ['=HYPERLINK("x","y")', '+1+1', '-2+3', '@SUM(A1)'];
    const players = [];
    for (const name of names) players.push(await joinPlayer(server.client(), code, { name }));
    // The names arrive as typed (the nickname filter keeps them): the export is what must defuse them.
    expect(players.map((p) => p.welcome!.name)).toEqual(names);
    await until(() => host.state.players.size === names.length, 5_000, 'players in state');

    host.host('host:start');
    await waitForPhase(host, 'race', 10_000);
    await until(() => host.state.tick > 2, 10_000, 'a few ticks');
    host.host('host:end');
    const results = await host.next('results', () => true, 20_000);

    const secret = host.welcome!.hostSecret!;
    const res = await server.http(`/api/rounds/${results.roundId}.csv?secret=${encodeURIComponent(secret)}`);
    expect(res.status).toBe(200);
    const csv = await res.text();
    expect(csv).toContain(`,"'=HYPERLINK(""x"",""y"")",`);
    expect(csv).toContain(",'+1+1,");
    expect(csv).toContain(",'-2+3,");
    expect(csv).toContain(",'@SUM(A1),");
    for (const line of csv.split('\r\n').slice(1, -1)) {
      const nameCell = line.split(',')[2];
      expect(nameCell, line).toMatch(/^("?')/);
    }
    // The host's Export CSV button runs this same function on the results message it received.
    expect(csv).toBe(resultsToCsv(results.rows));
    await Promise.all([host.room.leave(), ...players.map((p) => p.room.leave())]);
  });
});
