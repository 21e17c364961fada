import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootGame, createHost, joinPlayer, quickSettings, until, waitForPhase, type Booted } from './harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
    await sleep(250); // let the last patch arrive
    const tick = host.state.tick;
    const pos = [ada.player().qx, ada.player().qy];
    await sleep(1_000);
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
