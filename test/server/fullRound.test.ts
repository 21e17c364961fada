import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, RacerStatusByte } from '@gradient-rally/shared';
import { bootGame, createHost, joinPlayer, quickSettings, until, waitForPhase, type Booted, type Bot } from './harness';

describe('a full round: host and 30 players over real WebSockets', () => {
  let server: Booted;
  beforeAll(async () => {
    server = await bootGame();
  });
  afterAll(async () => {
    await server.close();
  });

  it('creates, joins, tunes, races to the end, ranks 30 rows, exports CSV and JSON', async () => {
    const host = await createHost(server.client(), quickSettings({ roundSeconds: 5, countdownSeconds: 0.5 }));
    const code = host.welcome!.code;
    expect(code).toHaveLength(JOIN_CODE_LENGTH);
    for (const ch of code) expect(JOIN_CODE_ALPHABET).toContain(ch);
    expect(host.welcome!.role).toBe('host');
    expect(host.welcome!.hostSecret).toBeTruthy();
    expect(host.welcome!.joinPath).toBe(`/?join=${code}`);

    const players: Bot[] = [];
    for (let i = 0; i < 30; i++) players.push(await joinPlayer(server.client(), code, { name: `Bot ${i}` }));
    // Only the host ever sees the secret.
    for (const p of players) {
      expect(p.welcome!.hostSecret).toBeUndefined();
      expect(p.welcome!.playerToken).toBeTruthy();
    }
    await until(() => host.state.players.size === 30, 5_000, '30 players in state');

    // Every player tunes a different learning rate (and half use momentum) in the lobby.
    players.forEach((p, i) => p.send('setKnobs', { optimizer: { kind: 'sgd', lr: 0.005 + 0.002 * i, momentum: i % 2 ? 0.9 : 0 } }));
    await until(() => players.every((p, i) => JSON.parse(p.player().optimizerJson).lr === 0.005 + 0.002 * i), 5_000, 'knobs applied');

    host.host('host:start');
    await waitForPhase(host, 'countdown', 5_000);
    await waitForPhase(host, 'race', 5_000);
    // Racers move: quantised positions change during the race.
    const p0 = players[0];
    const firstQ = [p0.player().qx, p0.player().qy];
    await until(() => p0.player().qx !== firstQ[0] || p0.player().qy !== firstQ[1], 5_000, 'racer moving');
    expect(p0.player().status).toBe(RacerStatusByte.racing);

    const results = await host.next('results', () => true, 20_000);
    expect(host.state.phase).toBe('results');
    expect(results.rows).toHaveLength(30);
    // Competition ranks ("1, 1, 3"): equal displayed scores share a rank (shared's rankResults).
    const ranks = results.rows.map((r: any) => r.rank);
    expect(ranks[0]).toBe(1);
    ranks.forEach((rank: number, i: number) => i > 0 && expect([ranks[i - 1], i + 1]).toContain(rank));
    const names = new Set(results.rows.map((r: any) => r.name));
    for (let i = 0; i < 30; i++) expect(names.has(`Bot ${i}`)).toBe(true);
    for (const row of results.rows) {
      expect(row.endPoint).toHaveLength(2);
      expect(typeof row.note).toBe('string');
      expect(row.note.length).toBeGreaterThan(0);
      expect(row.gradientEvaluations).toBeGreaterThan(0);
    }
    // Every player got the same results.
    for (const p of players) expect((await p.next('results')).roundId).toBe(results.roundId);

    // Export: CSV with a header and 30 rows; JSON with the record.
    const secret = host.welcome!.hostSecret!;
    const csv = await server.http(`/api/rounds/${results.roundId}.csv?secret=${encodeURIComponent(secret)}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines).toHaveLength(31);
    expect(lines[0].split(',').slice(0, 3)).toEqual(['rank', 'player_id', 'name']);
    const json = await server.http(`/api/rounds/${results.roundId}.json`, { headers: { authorization: `Bearer ${secret}` } });
    expect(json.status).toBe(200);
    const stored = await json.json();
    expect(stored.results.rows).toHaveLength(30);
    expect(stored.record).toBeTruthy();

    // A student's secret-less or wrong-secret request is refused.
    expect((await server.http(`/api/rounds/${results.roundId}.csv`)).status).toBe(401);
    expect((await server.http(`/api/rounds/${results.roundId}.csv?secret=${players[0].welcome!.playerToken}`)).status).toBe(404);

    // Next round goes back to the lobby with everyone still there.
    host.host('host:nextRound');
    await waitForPhase(host, 'lobby', 5_000);
    expect(host.state.players.size).toBe(30);
    expect(host.state.round).toBe(1);

    await Promise.all([host.room.leave(), ...players.map((p) => p.room.leave())]);
  });

  it('serves /health', async () => {
    const res = await server.http('/health');
    expect(res.status).toBe(200);
    expect((await res.json()).ok).toBe(true);
  });
});
