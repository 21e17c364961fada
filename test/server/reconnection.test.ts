import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RacerStatusByte } from '@gradient-rally/shared';
import { Bot, bootGame, caughtUp, createHost, joinPlayer, quickSettings, roomOf, until, waitForPhase, type Booted } from './harness';

/** Cuts the socket the way school wifi does: no close frame, no consent. */
function dropConnection(bot: Bot): void {
  (bot.room.connection as any).transport.ws.terminate();
}

describe('reconnection', () => {
  let server: Booted;
  beforeAll(async () => {
    server = await bootGame({ reconnectSeconds: 20 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('a player whose connection drops mid-race gets the same racer back, at the same position', async () => {
    const host = await createHost(server.client(), quickSettings({ roundSeconds: 8 }));
    const code = host.welcome!.code;
    const ada = await joinPlayer(server.client(), code, { name: 'Ada' });
    const bob = await joinPlayer(server.client(), code, { name: 'Bob' });
    const id = ada.welcome!.playerId!;
    host.host('host:start');
    await waitForPhase(host, 'race');
    await until(() => host.state.tick > 20, 5_000, 'race under way');

    // Freeze the race so "same position" is exact, then drop Ada's socket.
    host.host('host:pause');
    await until(() => host.state.paused, 5_000, 'paused');
    await caughtUp(host, roomOf(server, code)); // the last patch before the pause has arrived
    const before = { qx: host.state.players.get(id).qx, qy: host.state.players.get(id).qy, tick: host.state.tick };
    const token = ada.room.reconnectionToken;
    dropConnection(ada);
    await until(() => host.state.players.get(id)?.connected === false, 5_000, 'server saw the drop');
    expect(host.state.players.get(id).status).toBe(RacerStatusByte.racing);

    const back = new Bot(await server.client().reconnect(token));
    await until(() => back.state?.players?.get(id)?.connected === true, 5_000, 'reconnected');
    expect(back.room.sessionId).toBe(ada.room.sessionId);
    const mine = back.state.players.get(id);
    expect({ qx: mine.qx, qy: mine.qy, tick: back.state.tick }).toEqual(before);
    expect(mine.name).toBe('Ada');
    expect(back.state.players.size).toBe(2);
    // The trails so far arrive once, so the client can redraw.
    const snap = await back.next('snapshot');
    expect(snap.tick).toBe(before.tick);

    // The racer is still Ada's: she can retune it, and it finishes with one results row.
    back.send('setKnobs', { optimizer: { kind: 'sgd', lr: 0.02 } });
    await until(() => JSON.parse(back.state.players.get(id).optimizerJson).lr === 0.02, 5_000, 'retune after reconnect');
    host.host('host:resume');
    const results = await host.next('results', () => true, 20_000);
    expect(results.rows.filter((r: any) => r.id === id)).toHaveLength(1);
    expect(results.rows.find((r: any) => r.id === id).knobChanges).toBe(1);
    expect(bob.closedWith).toBeUndefined();
  });

  it('a reloaded page rejoins with the kept token: same racer, same position', async () => {
    const host = await createHost(server.client(), quickSettings({ roundSeconds: 8 }));
    const code = host.welcome!.code;
    const ada = await joinPlayer(server.client(), code, { name: 'Ada' });
    const id = ada.welcome!.playerId!;
    host.host('host:start');
    await waitForPhase(host, 'race');
    await until(() => host.state.tick > 10, 5_000, 'race under way');
    host.host('host:pause');
    await until(() => host.state.paused, 5_000, 'paused');
    await caughtUp(host, roomOf(server, code)); // the last patch before the pause has arrived
    const before = { qx: host.state.players.get(id).qx, qy: host.state.players.get(id).qy };

    dropConnection(ada); // the tab is gone; a new page has only the token
    const reloaded = await joinPlayer(server.client(), code, { playerToken: ada.welcome!.playerToken });
    expect(reloaded.welcome!.playerId).toBe(id);
    const mine = reloaded.player();
    expect({ qx: mine.qx, qy: mine.qy }).toEqual(before);
    expect(mine.connected).toBe(true);
    expect(reloaded.state.players.size).toBe(1);
    host.host('host:end');
    await waitForPhase(host, 'results');
  });

  it('the host reconnects after a drop (Colyseus token) and after a reload (host secret)', async () => {
    const host = await createHost(server.client(), quickSettings({ roundSeconds: 8 }));
    const code = host.welcome!.code;
    const secret = host.welcome!.hostSecret!;
    await joinPlayer(server.client(), code, { name: 'Ada' });
    host.host('host:start');
    await waitForPhase(host, 'race');

    const token = host.room.reconnectionToken;
    dropConnection(host);
    const watcher = await joinPlayer(server.client(), code, { name: 'Watcher' });
    await until(() => watcher.state.hostConnected === false, 5_000, 'host shown as disconnected');

    const back = new Bot(await server.client().reconnect(token));
    await until(() => back.state?.hostConnected === true, 5_000, 'host back');
    back.room.send('host:pause', { secret });
    await until(() => back.state.paused === true, 5_000, 'host action after reconnect');

    // Reload: a new page joins with the secret and is host again.
    dropConnection(back);
    const reloaded = new Bot(await server.client().joinById(code, { hostSecret: secret }));
    await until(() => reloaded.welcome !== undefined, 5_000, 'host welcome');
    expect(reloaded.welcome!.role).toBe('host');
    expect(reloaded.welcome!.hostSecret).toBe(secret);
    reloaded.room.send('host:resume', { secret });
    await until(() => reloaded.state.paused === false, 5_000, 'resume by reloaded host');

    // A wrong secret is not a way in.
    await expect(server.client().joinById(code, { hostSecret: 'wrong-secret-0000' })).rejects.toThrow(/wrong host secret/);
    reloaded.room.send('host:end', { secret });
    await waitForPhase(reloaded, 'results');
  });
});
