import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootGame, createHost, joinPlayer, quickSettings, until, type Booted } from './harness';

describe('room lock', () => {
  let server: Booted;
  beforeAll(async () => {
    server = await bootGame();
  });
  afterAll(async () => {
    await server.close();
  });

  it('refuses new students while locked, still lets a student back in with their token, reopens on unlock', async () => {
    const host = await createHost(server.client(), quickSettings());
    const code = host.welcome!.code;
    const ada = await joinPlayer(server.client(), code, { name: 'Ada' });

    // A student cannot lock.
    const err = await ada.expectError('host:lock', { secret: 'not-the-secret', locked: true });
    expect(err.code).toBe('forbidden');
    expect(host.state.locked).toBe(false);

    host.host('host:lock', { locked: true });
    await until(() => host.state.locked === true, 5_000, 'locked');
    await expect(joinPlayer(server.client(), code, { name: 'Bob' })).rejects.toThrow(/locked/);
    expect(host.state.players.size).toBe(1);

    // Ada reloads her page: her token still works while the room is locked.
    const token = ada.welcome!.playerToken!;
    const id = ada.welcome!.playerId!;
    await ada.room.leave(false);
    const back = await joinPlayer(server.client(), code, { playerToken: token });
    expect(back.welcome!.playerId).toBe(id);
    expect(back.welcome!.name).toBe('Ada');

    host.host('host:lock', { locked: false });
    await until(() => host.state.locked === false, 5_000, 'unlocked');
    const bob = await joinPlayer(server.client(), code, { name: 'Bob' });
    expect(bob.welcome!.name).toBe('Bob');
    await until(() => host.state.players.size === 2, 5_000, 'two players');
  });
});
