import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayRace } from '@gradient-rally/shared';
import { bootGame, createHost, joinPlayer, quickSettings, until, waitForPhase, type Booted } from './harness';

describe('replay from the stored record', () => {
  let server: Booted;
  beforeAll(async () => {
    server = await bootGame();
  });
  afterAll(async () => {
    await server.close();
  });

  it('reproduces every final position exactly, with live retunes, noise, SAM, a late joiner and a kick', async () => {
    const host = await createHost(
      server.client(),
      quickSettings({ landscape: { kind: 'himmelblau' }, roundSeconds: 6, startRule: { kind: 'random' }, seed: 'replay-test' }),
    );
    const code = host.welcome!.code;
    const ada = await joinPlayer(server.client(), code, { name: 'Ada' });
    const bob = await joinPlayer(server.client(), code, { name: 'Bob' });
    const cyd = await joinPlayer(server.client(), code, { name: 'Cyd' });
    ada.send('setKnobs', { optimizer: { kind: 'sgd', lr: 0.01, momentum: 0.9, noise: 0.5 } });
    bob.send('setKnobs', { optimizer: { kind: 'adam', lr: 0.05, samRadius: 0.2 } });
    host.host('host:start');
    await waitForPhase(host, 'race');

    // Live retunes at different ticks, a late joiner and a kicked player.
    await until(() => host.state.tick > 15, 5_000, 'tick 15');
    ada.send('setKnobs', { optimizer: { kind: 'sgd', lr: 0.003, noise: 1 } });
    bob.send('setKnobs', { optimizer: { kind: 'rmsprop', lr: 0.02 } });
    await until(() => host.state.tick > 35, 5_000, 'tick 35');
    const dan = await joinPlayer(server.client(), code, { name: 'Dan' });
    dan.send('setKnobs', { optimizer: { kind: 'sgd', lr: 0.02, noise: 2 } });
    host.host('host:kick', { playerId: cyd.welcome!.playerId });
    await until(() => host.state.tick > 60, 5_000, 'tick 60');
    ada.send('setKnobs', { optimizer: { kind: 'adamw', lr: 0.1 } });

    const results = await host.next('results', () => true, 20_000);
    const stored = server.game.store.getRound(results.roundId)!;
    expect(stored).toBeDefined();
    // Stored as JSON text and read back: exactly what a later replay would see.
    const { positions } = replayRace(stored.record);
    expect(results.rows.map((r: any) => r.name).sort()).toEqual(['Ada', 'Bob', 'Dan']);
    for (const row of results.rows) {
      expect(positions[row.id]).toEqual(row.endPoint);
    }
    // The record holds the timed changes (3 retunes in the race plus Dan's) and the kick.
    const record = stored.record as any;
    expect(record.changes.length).toBeGreaterThanOrEqual(4);
    expect(record.removals.map((r: any) => r.id)).toEqual([cyd.welcome!.playerId]);
  });
});
