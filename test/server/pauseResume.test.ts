import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootGame, caughtUp, createHost, joinPlayer, quickSettings, roomOf, until, waitForPhase, type Booted } from './harness';

describe('pause and resume', () => {
  let server: Booted;
  beforeAll(async () => {
    server = await bootGame();
  });
  afterAll(async () => {
    await server.close();
  });

  it('freezes the clock and every racer, then carries on from the same tick', async () => {
    const host = await createHost(server.client(), quickSettings({ roundSeconds: 5 }));
    const code = host.welcome!.code;
    const ada = await joinPlayer(server.client(), code, { name: 'Ada' });

    expect((await host.expectError('host:pause', { secret: host.welcome!.hostSecret })).code).toBe('wrong-phase');

    host.host('host:start');
    await waitForPhase(host, 'race');
    await until(() => host.state.tick > 10, 5_000, 'ticks');

    expect((await ada.expectError('host:pause', { secret: 'abcdefgh12345' })).code).toBe('forbidden');

    host.host('host:pause');
    await until(() => host.state.paused === true, 5_000, 'paused');
    const room = roomOf(server, code);
    await caughtUp(host, room);
    await caughtUp(ada, room);
    const tick = host.state.tick;
    const pos = [ada.player().qx, ada.player().qy];
    // The room's simulation loop keeps running while paused: let a second of its own clock pass.
    const paused = room.clock.elapsedTime;
    await until(() => room.clock.elapsedTime - paused >= 1_000, 5_000, 'a second of the room clock');
    expect(room.model.raceTick).toBe(tick);
    await caughtUp(ada, room);
    expect(host.state.tick).toBe(tick);
    expect([ada.player().qx, ada.player().qy]).toEqual(pos);
    expect(host.state.phase).toBe('race');

    expect((await host.expectError('host:pause', { secret: host.welcome!.hostSecret })).code).toBe('wrong-phase');

    host.host('host:resume');
    await until(() => host.state.paused === false && host.state.tick > tick, 5_000, 'resumed');
    // The round still lasts its full 100 ticks: pausing does not eat race time.
    const results = await host.next('results', () => true, 20_000);
    expect(results.ticks).toBe(100);

    // End early works too, from a fresh round.
    host.host('host:start');
    await waitForPhase(host, 'race');
    host.host('host:end');
    await waitForPhase(host, 'results');
    const second = await host.next('results', (m) => m.round === 2, 10_000);
    expect(second.ticks).toBeLessThan(100);
  });
});
