import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  optimizerSpecSchema,
  parseJsonText,
  parseServerMessage,
  roomLandscapeInfoSchema,
  roomSettingsSchema,
  sessionViewSchema,
  ServerMessageType,
  type ServerMessageTypeName,
} from '@gradient-rally/shared';
import { Bot, bootGame, createHost, joinPlayer, quickSettings, until, waitForPhase, type Booted } from './harness';

/**
 * The protocol's zod schemas against what the real server sends: every
 * message a host and its players receive over a round (welcome, error,
 * snapshot, results, kicked, replaced, applied), and the state's JSON text fields, parse with
 * their schemas — so a client that parses once on receipt never refuses an
 * honest server.
 */
describe('the server’s answers parse with the protocol schemas', () => {
  let server: Booted;
  beforeAll(async () => {
    server = await bootGame();
  });
  afterAll(async () => {
    await server.close();
  });

  function expectAllParse(bot: Bot, seen: Set<string>): void {
    for (const { type, message } of bot.messages) {
      expect(Object.values(ServerMessageType)).toContain(type);
      const r = parseServerMessage(type as ServerMessageTypeName, message);
      expect(r.ok, `${String(type)}: ${r.ok ? '' : r.error.message}`).toBe(true);
      seen.add(String(type));
    }
  }

  function expectStateParses(bot: Bot): void {
    const settings = parseJsonText(roomSettingsSchema, bot.state.settingsJson);
    expect(settings.ok, settings.ok ? '' : settings.error.message).toBe(true);
    const info = parseJsonText(roomLandscapeInfoSchema, bot.state.landscapeInfoJson);
    expect(info.ok, info.ok ? '' : info.error.message).toBe(true);
    const session = parseJsonText(sessionViewSchema, bot.state.sessionJson);
    expect(session.ok, session.ok ? '' : session.error.message).toBe(true);
    bot.state.players.forEach((p: { optimizerJson: string }) => {
      const spec = parseJsonText(optimizerSpecSchema, p.optimizerJson);
      expect(spec.ok, spec.ok ? '' : spec.error.message).toBe(true);
    });
  }

  it('over a whole round with retunes, refusals, a late joiner and a kick', async () => {
    const host = await createHost(
      server.client(),
      quickSettings({ roundSeconds: 5, scoring: { kind: 'time-to-target', target: 0.5 }, startRule: { kind: 'random' } }),
    );
    const code = host.welcome!.code;
    const ada = await joinPlayer(server.client(), code, { name: 'Ada' });
    const bob = await joinPlayer(server.client(), code, { name: '' }); // gets a generated name and a note
    ada.send('setKnobs', { optimizer: { kind: 'adam', lr: 0.05, schedule: { kind: 'cosine', tMax: 100 } } });
    bob.send('setKnobs', { optimizer: { kind: 'rmsprop', lr: 0.01, samRadius: 0.1 } });
    await ada.expectError('setKnobs', { optimizer: { kind: 'adam', lr: 1e9 } });
    await ada.expectError('host:start', { secret: 'not-the-secret' });
    await ada.expectError('no-such-type', {});
    await until(() => JSON.parse(ada.player().optimizerJson).kind === 'adam', 5_000, 'knobs applied');
    expectStateParses(host);

    // Ghosts on: the round's trails come back as a \`ghosts\` message once its results are in.
    host.host('host:session', { ghosts: true, rule: 'average-rank', note: { title: 'Targets', text: 'Reach 0.5 first.' } });
    host.host('host:start');
    await waitForPhase(host, 'race');
    await until(() => host.state.tick > 10, 5_000, 'race under way');
    const late = await joinPlayer(server.client(), code, { name: 'Late' });
    await late.next('snapshot');
    ada.send('requestSnapshot', {});
    await ada.next('snapshot', (m) => m.snapshot !== null);
    ada.send('setKnobs', { optimizer: { kind: 'sgd', lr: 0.02, momentum: 0.9, nesterov: true } });
    host.host('host:kick', { playerId: bob.welcome!.playerId });
    await bob.next('kicked');
    expectStateParses(late);

    const results = await host.next('results', () => true, 20_000);
    expect(results.rows).toHaveLength(2);
    await ada.next('results');
    await late.next('results');
    await ada.next('ghosts', (m) => m.round === 1);
    expectStateParses(host);
    // The host's page opened again elsewhere: the first is told it was replaced.
    const host2 = new Bot(await server.client().joinById(code, { hostSecret: host.welcome!.hostSecret }));
    await host.next('replaced');

    const seen = new Set<string>();
    for (const bot of [host, host2, ada, bob, late]) expectAllParse(bot, seen);
    expect([...seen].sort()).toEqual(Object.values(ServerMessageType).sort());
  });

  it('a network terrain: its settings, landscape info and results parse too', async () => {
    const mlp = { kind: 'mlp', dataset: 'moons', samples: 30, noise: 0.1, layers: [2, 3, 2], activation: 'tanh', seed: 4 };
    const host = await createHost(
      server.client(),
      quickSettings({ landscape: mlp, roundSeconds: 5, startRule: { kind: 'random' }, scoring: { kind: 'test-loss' } }),
    );
    const ada = await joinPlayer(server.client(), host.welcome!.code, { name: 'Ada' });
    ada.send('setKnobs', { optimizer: { kind: 'sgd', lr: 0.3, batchSize: 8 } });
    host.host('host:start');
    await host.next('results', () => true, 30_000);
    expectStateParses(host);
    const info = parseJsonText(roomLandscapeInfoSchema, host.state.landscapeInfoJson);
    expect(info.ok && info.value.dim).toBe(2 * 3 + 3 + 3 * 2 + 2);
    expectAllParse(host, new Set());
    expectAllParse(ada, new Set());
  });
});
