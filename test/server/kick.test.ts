import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootGame, createHost, joinPlayer, quickSettings, until, waitForPhase, type Booted } from './harness';

describe('kick', () => {
  let server: Booted;
  beforeAll(async () => {
    server = await bootGame();
  });
  afterAll(async () => {
    await server.close();
  });

  it('removes a player mid-race, tells them why, and refuses their token afterwards', async () => {
    const host = await createHost(server.client(), quickSettings({ roundSeconds: 6 }));
    const code = host.welcome!.code;
    const troll = await joinPlayer(server.client(), code, { name: 'Troll' });
    const ada = await joinPlayer(server.client(), code, { name: 'Ada' });
    await until(() => host.state.players.size === 2, 5_000, 'both players visible to the host');

    // Students cannot kick, not even with a guessed secret.
    const err = await ada.expectError('host:kick', { secret: 'guessed-secret-123', playerId: troll.welcome!.playerId });
    expect(err.code).toBe('forbidden');
    expect(host.state.players.has(troll.welcome!.playerId)).toBe(true);

    host.host('host:start');
    await waitForPhase(host, 'race');
    host.host('host:kick', { playerId: troll.welcome!.playerId });
    const kicked = await troll.next('kicked');
    expect(kicked.reason).toMatch(/removed/);
    await until(() => troll.closedWith !== undefined, 5_000, 'kicked socket closed');
    await until(() => !host.state.players.has(troll.welcome!.playerId), 5_000, 'player gone from state');

    await expect(joinPlayer(server.client(), code, { playerToken: troll.welcome!.playerToken })).rejects.toThrow(/removed/);

    // Kicking an unknown id is an error, not a crash.
    const from = host.messages.length;
    host.host('host:kick', { playerId: 'p999' });
    const notFound = await host.next('error', () => true, 5_000, from);
    expect(notFound.code).toBe('not-found');

    const results = await host.next('results', () => true, 20_000);
    expect(results.rows.map((r: any) => r.name)).toEqual(['Ada']);
  });
});
