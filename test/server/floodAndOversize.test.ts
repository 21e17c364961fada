import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES, RATE_LIMIT, RETUNE_LIMIT } from '@gradient-rally/shared';
import { bootGame, createHost, joinPlayer, quickSettings, roomOf, until, waitForPhase, type Booted } from './harness';

describe('floods, oversized frames and raw bytes (default limits)', () => {
  let server: Booted;
  beforeAll(async () => {
    server = await bootGame();
  });
  afterAll(async () => {
    await server.close();
  });

  it('rate-limits a flooding client, drops oversized and undecodable frames, and the honest race goes on', async () => {
    const host = await createHost(server.client(), quickSettings({ roundSeconds: 8 }));
    const code = host.welcome!.code;
    const honest = await joinPlayer(server.client(), code, { name: 'Honest' });
    const flooder = await joinPlayer(server.client(), code, { name: 'Flooder' });
    const bigSender = await joinPlayer(server.client(), code, { name: 'Big' });
    const byteSender = await joinPlayer(server.client(), code, { name: 'Bytes' });
    const garbler = await joinPlayer(server.client(), code, { name: 'Garbler' });
    host.host('host:start');
    await waitForPhase(host, 'race');

    // Flood: 600 well-formed retunes at once. The message limit lets a burst through,
    // the retune limit refuses most of those, and everything else is rate-limited.
    // Messages are handled in order, so a marker sent after the flood is answered once the flood is done.
    const from = flooder.messages.length;
    const t0 = Date.now();
    for (let i = 0; i < 600; i++) flooder.send('setKnobs', { optimizer: { kind: 'sgd', lr: 0.01 + i * 1e-5 } });
    flooder.send('flood-over');
    await flooder.next('error', (e) => e.type === 'flood-over', 10_000, from);
    const seconds = (Date.now() - t0) / 1000;
    const replies = flooder.messages.slice(from);
    const errors = replies
      .slice(
        0,
        replies.findIndex((m) => m.message?.type === 'flood-over'),
      )
      .filter((m) => m.type === 'error');
    const limited = errors.map((m) => m.message).filter((e) => e.code === 'rate-limited');
    // Each refused message got one error; an applied retune none. Both limits held over the flood's duration.
    const passedMessages = 600 - limited.filter((e) => /messages/.test(e.message)).length;
    const applied = 600 - errors.length;
    expect(passedMessages).toBeLessThanOrEqual(RATE_LIMIT.burst + Math.ceil(RATE_LIMIT.perSecond * seconds));
    expect(applied).toBeGreaterThanOrEqual(RETUNE_LIMIT.burst);
    expect(applied).toBeLessThanOrEqual(RETUNE_LIMIT.burst + Math.ceil(RETUNE_LIMIT.perSecond * seconds));
    expect(limited[limited.length - 1].message).toMatch(/per second/);
    // The flooder's racer shows the last retune the server applied.
    const id = flooder.welcome!.playerId!;
    const onServer = () => roomOf(server, code).state.players.get(id)!.optimizerJson;
    await until(() => flooder.player().optimizerJson === onServer(), 5_000, 'the flooder’s knobs as the server has them');
    expect(JSON.parse(flooder.player().optimizerJson).lr).toBeGreaterThanOrEqual(0.01 + (RETUNE_LIMIT.burst - 1) * 1e-5);

    // A frame over MAX_MESSAGE_BYTES closes only the sender's socket.
    bigSender.send('setKnobs', { optimizer: { kind: 'sgd', lr: 0.01, pad: 'x'.repeat(MAX_MESSAGE_BYTES + 100) } });
    await until(() => bigSender.closedWith !== undefined, 5_000, 'oversized sender closed');
    expect(bigSender.closedWith).toBe(1009);

    // Raw bytes where JSON is expected are refused with an error.
    const fromBytes = byteSender.messages.length;
    byteSender.room.sendBytes('setKnobs', new Uint8Array([1, 2, 3, 255]));
    const bytesError = await byteSender.next('error', () => true, 5_000, fromBytes);
    expect(bytesError.code).toBe('invalid');

    // A frame that is not msgpack at all: Colyseus closes that socket.
    (garbler.room.connection as any).transport.ws.send(new Uint8Array([13, 0xc1, 0xc1, 0xc1, 0xff, 0x00]));
    await until(() => garbler.closedWith !== undefined, 5_000, 'garbage sender closed');

    // The honest racer kept racing through all of it, and the round ends normally.
    const tick = host.state.tick;
    await until(() => host.state.tick > tick + 10, 5_000, 'ticks continue');
    expect(honest.closedWith).toBeUndefined();
    const results = await host.next('results', () => true, 20_000);
    expect(results.rows.map((r: any) => r.name)).toContain('Honest');
    expect((await server.http('/health')).status).toBe(200);
  });
});
