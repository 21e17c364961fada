import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTrailSnapshot, RacerStatusByte } from '@gradient-rally/shared';
import { bootGame, createHost, joinPlayer, quickSettings, until, waitForPhase, type Booted } from './harness';

describe('late join', () => {
  let server: Booted;
  beforeAll(async () => {
    server = await bootGame();
  });
  afterAll(async () => {
    await server.close();
  });

  it('a student joining mid-race gets a racer, the trails so far, and a results row', async () => {
    const host = await createHost(server.client(), quickSettings({ roundSeconds: 6, lateJoin: true }));
    const code = host.welcome!.code;
    const early = await joinPlayer(server.client(), code, { name: 'Early' });
    host.host('host:start');
    await waitForPhase(host, 'race');
    await until(() => host.state.tick >= 20, 5_000, 'race under way');

    const late = await joinPlayer(server.client(), code, { name: 'Late' });
    const snap = await late.next('snapshot');
    expect(snap.tick).toBeGreaterThanOrEqual(20);
    const trails = decodeTrailSnapshot(snap.snapshot);
    const earlyTrail = trails.find((t) => t.id === early.welcome!.playerId)!;
    expect(earlyTrail.points.length / 2).toBeGreaterThanOrEqual(20);
    await until(() => late.player()?.status === RacerStatusByte.racing, 5_000, 'late racer racing');

    const results = await host.next('results', () => true, 20_000);
    const row = results.rows.find((r: any) => r.name === 'Late');
    expect(row).toBeDefined();
    expect(row.joinTick).toBeGreaterThanOrEqual(20);
    expect(results.rows).toHaveLength(2);
  });

  it('with late join off, a join during the race is refused with a reason', async () => {
    const host = await createHost(server.client(), quickSettings({ roundSeconds: 6, lateJoin: false }));
    const code = host.welcome!.code;
    const early = await joinPlayer(server.client(), code, { name: 'Early' });
    host.host('host:start');
    await waitForPhase(host, 'race');
    await expect(joinPlayer(server.client(), code, { name: 'Late' })).rejects.toThrow(/late join is off/);
    // The refused join changed nothing; the early player still races.
    expect(host.state.players.size).toBe(1);
    expect(early.player().status).toBe(RacerStatusByte.racing);
    host.host('host:end');
    await waitForPhase(host, 'results');
  });
});
