import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dequantize } from '@gradient-rally/shared';
import { bootGame, createHost, joinPlayer, quickSettings, until, type Booted } from './harness';

describe('lobby markers', () => {
  let server: Booted;
  beforeAll(async () => {
    server = await bootGame();
  });
  afterAll(async () => {
    await server.close();
  });

  it('draws students at the shared start point in the lobby, and at the point they chose', async () => {
    const host = await createHost(server.client(), quickSettings({ startRule: { kind: 'shared', point: [0.5, -1] } }));
    const code = host.welcome!.code;
    const ada = await joinPlayer(server.client(), code, { name: 'Ada' });
    const id = ada.welcome!.playerId!;
    const decoded = () => {
      const s = host.state;
      const p = s.players.get(id);
      return [dequantize(p.qx, s.qxMin, s.qxMax), dequantize(p.qy, s.qyMin, s.qyMax)];
    };
    await until(() => host.state.players.get(id) && Math.abs(decoded()[0] - 0.5) < 1e-3, 5_000, 'marker at the shared start');
    expect(decoded()[1]).toBeCloseTo(-1, 3);

    host.host('host:settings', { settings: { startRule: { kind: 'choose' } } });
    await until(() => JSON.parse(host.state.settingsJson).startRule.kind === 'choose', 5_000, 'choose rule');
    ada.send('chooseStart', { point: [-2, 1.5] });
    await until(() => Math.abs(decoded()[0] + 2) < 1e-3, 5_000, 'marker at the chosen start');
    expect(decoded()[1]).toBeCloseTo(1.5, 3);
  });
});
