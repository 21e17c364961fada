import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bot, bootGame, createHost, joinPlayer, quickSettings, until, waitForPhase, type Booted } from './harness';

/**
 * One host, clearly (issue 9): a second host connection takes over and the
 * first is told so before it is closed (it used to be closed silently and
 * showed live-looking buttons that never reconnected); a projector window
 * joins with the secret to watch, read-only, without taking over; every
 * applied host message is acknowledged, so the host's form can say "Saved";
 * and the results say what ended the round.
 */
describe('the host seat', () => {
  let server: Booted;
  beforeAll(async () => {
    server = await bootGame({ reconnectSeconds: 5 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('a second host connection takes over; the first gets `replaced`, then its socket closes', async () => {
    const first = await createHost(server.client(), quickSettings());
    const code = first.welcome!.code;
    const secret = first.welcome!.hostSecret!;
    const second = new Bot(await server.client().joinById(code, { hostSecret: secret }));
    await until(() => second.welcome !== undefined, 5_000, 'second host welcome');
    expect(second.welcome!.role).toBe('host');
    expect(await first.next('replaced')).toEqual({ role: 'host' });
    await until(() => first.closedWith !== undefined, 5_000, 'first host closed');
    // The new host is the host: its commands work.
    second.host('host:lock', { locked: true });
    await until(() => second.state.locked === true, 5_000, 'lock by the new host');
  });

  it('a player seat opened in a second tab: the first is told `replaced` too', async () => {
    const host = await createHost(server.client(), quickSettings());
    const code = host.welcome!.code;
    const ada = await joinPlayer(server.client(), code, { name: 'Ada' });
    const again = new Bot(await server.client().joinById(code, { playerToken: ada.welcome!.playerToken }));
    await until(() => again.welcome !== undefined, 5_000, 'second seat welcome');
    expect(again.welcome!.playerId).toBe(ada.welcome!.playerId);
    expect(await ada.next('replaced')).toEqual({ role: 'player' });
  });

  it('a projector window watches with the secret: sees the state and results, is no player, cannot command', async () => {
    const host = await createHost(server.client(), quickSettings({ roundSeconds: 5 }));
    const code = host.welcome!.code;
    const secret = host.welcome!.hostSecret!;
    const projector = new Bot(await server.client().joinById(code, { hostSecret: secret, watch: true }));
    await until(() => projector.welcome !== undefined && projector.state?.code === code, 5_000, 'watcher welcome');
    expect(projector.welcome!.role).toBe('watcher');
    expect(projector.welcome!.hostSecret).toBeUndefined();
    // The host keeps the seat: nobody was replaced.
    expect(host.messages.some((m) => m.type === 'replaced')).toBe(false);
    expect(host.state.hostConnected).toBe(true);
    const refused = await projector.expectError('host:start', { secret });
    expect(refused.code).toBe('forbidden');
    await joinPlayer(server.client(), code, { name: 'Ada' });
    await until(() => projector.state.players.size === 1, 5_000, 'watcher sees the player');
    host.host('host:start');
    const results = await projector.next('results', () => true, 20_000);
    expect(results.rows).toHaveLength(1);
    expect(results.endedBy).toBe('time');
    // Leaving changes nothing for the host.
    await projector.room.leave(true);
    expect(host.state.hostConnected).toBe(true);
  });

  it('watching needs the secret', async () => {
    const host = await createHost(server.client(), quickSettings());
    const code = host.welcome!.code;
    await expect(server.client().joinById(code, { watch: true })).rejects.toThrow(/projector view needs the host secret/);
    await expect(server.client().joinById(code, { hostSecret: 'guessed-secret-1', watch: true })).rejects.toThrow(/wrong host secret/);
  });

  it('an applied host message is acknowledged with its type; a refused one gets only the error', async () => {
    const host = await createHost(server.client(), quickSettings());
    const from = host.messages.length;
    host.host('host:settings', { settings: { roundSeconds: 12 } });
    expect(await host.next('applied', () => true, 5_000, from)).toEqual({ type: 'host:settings' });
    const before = host.messages.length;
    const err = await host.expectError('host:settings', { secret: host.welcome!.hostSecret, settings: { roundSeconds: 0 } });
    expect(err.path).toBe('settings.roundSeconds');
    // The error came and no `applied` after it.
    host.host('host:lock', { locked: true });
    await host.next('applied', (m) => m.type === 'host:lock', 5_000, before);
    expect(
      host.messages
        .slice(before)
        .filter((m) => m.type === 'applied')
        .map((m) => m.message.type),
    ).toEqual(['host:lock']);
  });

  it('results say the host ended the round', async () => {
    const host = await createHost(server.client(), quickSettings({ roundSeconds: 60 }));
    await joinPlayer(server.client(), host.welcome!.code, { name: 'Ada' });
    host.host('host:start');
    await waitForPhase(host, 'race');
    host.host('host:end');
    const results = await host.next('results', () => true, 20_000);
    expect(results.endedBy).toBe('host');
  });
});
