import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Packr, unpack } from '@colyseus/msgpackr';
import { ClientMessageType, ErrorCode, isClientMessageType, parseClientMessage, simulate } from '@gradient-rally/shared';
import { bootGame, createHost, joinPlayer, quickSettings, until, waitForPhase, type Booted, type Bot } from './harness';

/**
 * Thousands of random and malicious messages from several clients during a
 * race. The rate limit is raised here so that every message reaches the
 * validator (the flood test checks the limit itself); after each fuzz message
 * the attacker sends a marker of an unknown type, so the replies to message i
 * are exactly those between marker i−1 and marker i.
 */

const KNOWN_TYPES = Object.values(ClientMessageType);
const badNumber = fc.constantFrom(NaN, Infinity, -Infinity, -1, 0, 1e308, -1e308, 5e-324, 2 ** 53, -0, 1e9);
const weirdValue = fc.oneof(
  badNumber,
  fc.constantFrom('0.1', '', 'NaN', 'Infinity', '__proto__', 'x'.repeat(3000), null, true, [], {}, [1, 2, 3]),
  fc.double(),
  fc.string({ maxLength: 20 }),
);
const knobField = fc.constantFrom(
  'lr',
  'momentum',
  'noise',
  'samRadius',
  'weightDecay',
  'betas',
  'eps',
  'clipNorm',
  'schedule',
  'batchSize',
  'nesterov',
  '__proto__',
  'constructor',
  'learningRate',
);
const optimizerSpec = fc.record({
  kind: fc.oneof(
    fc.constantFrom('sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'newton', 'lbfgs', 'SGD', '', 'eval'),
    fc.string({ maxLength: 50 }),
  ),
  fields: fc.dictionary(knobField, weirdValue, { maxKeys: 4 }),
});
const malicious = fc.oneof(
  optimizerSpec.map(({ kind, fields }) => ({ type: 'setKnobs', payload: { optimizer: { kind, ...fields } } })),
  fc.double().map((lr) => ({ type: 'setKnobs', payload: { optimizer: { kind: 'sgd', lr } } })),
  fc.tuple(weirdValue, weirdValue).map((point) => ({ type: 'chooseStart', payload: { point } })),
  fc.record({
    type: fc.constantFrom(...KNOWN_TYPES.filter((t) => t.startsWith('host:'))),
    payload: fc.record(
      {
        secret: fc.oneof(fc.string({ maxLength: 70 }), weirdValue),
        locked: fc.boolean(),
        playerId: fc.constantFrom('p0', 'p1', 'p2', 'p999'),
        settings: fc.constant({ roundSeconds: 1e9 }),
      },
      { requiredKeys: [] },
    ),
  }),
  fc.record({ type: fc.constantFrom(...KNOWN_TYPES), payload: fc.anything({ maxDepth: 3, maxKeys: 5, stringUnit: 'grapheme' }) }),
  fc.record({
    type: fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constantFrom('__proto__', 'constructor', 'toString', '*', '', 'HOST:START', 'host:start '),
    ),
    payload: fc.anything({ maxDepth: 2, maxKeys: 4 }),
  }),
  fc.record({ type: fc.integer({ min: -1000, max: 1000 }), payload: fc.anything({ maxDepth: 1 }) }),
  fc.constant({ type: 'requestSnapshot', payload: {} }),
  fc.constant({ type: 'setKnobs', payload: { optimizer: { kind: 'sgd', lr: 0.01, __proto__: { polluted: true } } } }),
  fc.constant({ type: 'setKnobs', payload: JSON.parse('{"optimizer":{"kind":"sgd","lr":0.01},"__proto__":{"isHost":true}}') }),
);

type Expect = { code: string } | 'maybe' | 'none';

/** What the server must answer, judged on the payload as msgpack will deliver it. */
function expected(type: unknown, payload: unknown): Expect {
  if (!isClientMessageType(type)) return { code: ErrorCode.unknownType };
  if (!parseClientMessage(type, payload).ok) return { code: ErrorCode.invalid };
  if (type.startsWith('host:')) return { code: ErrorCode.forbidden };
  if (type === 'requestSnapshot') return 'none';
  if (type === 'chooseStart') return { code: 'any' };
  return 'maybe'; // setKnobs: applied, or refused as out of range / too frequent
}

describe('hostile input during a race', () => {
  let server: Booted;
  beforeAll(async () => {
    server = await bootGame({ rateLimit: { burst: 1e6, perSecond: 1e6 }, maxRooms: 6 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('refuses every bad message with a clear error, never lets NaN into the state, and leaves honest races untouched', async () => {
    const start = [0.5, -0.5];
    const host = await createHost(
      server.client(),
      quickSettings({ roundSeconds: 15, startRule: { kind: 'shared', point: start }, stepsPerTick: 1 }),
    );
    const code = host.welcome!.code;
    const honestSpecs: (Parameters<typeof simulate>[0]['optimizer'] & { lr: number })[] = [
      { kind: 'sgd', lr: 0.01 },
      { kind: 'sgd', lr: 0.05, momentum: 0.9 },
      { kind: 'adam', lr: 0.05 },
    ];
    const honest: Bot[] = [];
    for (let i = 0; i < honestSpecs.length; i++) {
      const bot = await joinPlayer(server.client(), code, { name: `Honest ${i}` });
      bot.send('setKnobs', { optimizer: honestSpecs[i] });
      honest.push(bot);
    }
    const attackers: Bot[] = [];
    for (let i = 0; i < 3; i++) attackers.push(await joinPlayer(server.client(), code, { name: `Attacker ${i}` }));
    await until(() => honest.every((b, i) => JSON.parse(b.player().optimizerJson).lr === honestSpecs[i].lr), 5_000, 'honest knobs');

    host.host('host:start');
    await waitForPhase(host, 'race');

    // No NaN, no Infinity in the state, sampled through the race.
    let samples = 0;
    const badFields: string[] = [];
    const sampler = setInterval(() => {
      samples++;
      host.state.players.forEach((p: any, id: string) => {
        for (const f of ['qx', 'qy', 'loss', 'score', 'gradientEvaluations'])
          if (!Number.isFinite(p[f])) badFields.push(`${id}.${f}=${p[f]}`);
      });
    }, 50);

    const packr = new Packr();
    const perAttacker = 800;
    const plans = attackers.map((_, a) =>
      fc.sample(malicious, { numRuns: perAttacker, seed: 1000 + a }).map((m) => {
        const wire = m.payload === undefined ? undefined : unpack(packr.pack(m.payload));
        return { ...m, expect: expected(m.type, wire) };
      }),
    );
    const firstIndex = attackers.map((b) => b.messages.length);
    attackers.forEach((bot, a) => {
      plans[a].forEach((m, i) => {
        bot.room.send(m.type as string, m.payload as any);
        bot.room.send(`marker-${i}`);
      });
    });
    await Promise.all(attackers.map((bot) => bot.next('error', (e) => e.type === `marker-${perAttacker - 1}`, 60_000)));

    let refused = 0;
    attackers.forEach((bot, a) => {
      const replies = bot.messages.slice(firstIndex[a]);
      let i = 0;
      let bucket: { type: unknown; message: any }[] = [];
      for (const r of replies) {
        if (r.type === 'error' && r.message.type === `marker-${i}`) {
          const plan = plans[a][i];
          const errors = bucket.filter((x) => x.type === 'error').map((x) => x.message);
          const context = `attacker ${a}, message ${i}: ${JSON.stringify({ type: plan.type, payload: plan.payload })?.slice(0, 200)}`;
          if (plan.expect === 'none') {
            expect(errors, context).toHaveLength(0);
          } else if (plan.expect === 'maybe') {
            expect(errors.length, context).toBeLessThanOrEqual(1);
          } else {
            expect(errors, context).toHaveLength(1);
            if (plan.expect.code !== 'any') expect(errors[0].code, context).toBe(plan.expect.code);
          }
          for (const e of errors) {
            refused++;
            expect(typeof e.message, context).toBe('string');
            expect(e.message.length, context).toBeGreaterThan(5);
            expect(Object.values(ErrorCode), context).toContain(e.code);
            // Colyseus decodes an empty type name as undefined; every other type is echoed.
            expect(e.type, context).toBe(plan.type === '' ? 'undefined' : String(plan.type).slice(0, 40));
          }
          bucket = [];
          i++;
        } else if (r.type === 'error' || r.type === 'snapshot') {
          bucket.push(r);
        }
      }
      expect(i).toBe(perAttacker);
    });
    expect(refused).toBeGreaterThan(perAttacker); // most of 2400 messages are refused, each with its own error
    expect(attackers.every((b) => b.closedWith === undefined)).toBe(true);

    // Nobody became host, nobody was kicked, settings did not move.
    expect(host.state.players.size).toBe(6);
    expect(JSON.parse(host.state.settingsJson).roundSeconds).toBe(15);
    expect(host.state.locked).toBe(false);

    const results = await host.next('results', () => true, 30_000);
    clearInterval(sampler);
    expect(samples).toBeGreaterThan(20);
    expect(badFields).toEqual([]);

    // Honest racers ended exactly where the same optimizer alone would have.
    for (let i = 0; i < honest.length; i++) {
      const row = results.rows.find((r: any) => r.id === honest[i].welcome!.playerId);
      expect(row.knobChanges).toBe(0);
      const alone = simulate({ landscape: { kind: 'sharp-vs-flat' }, optimizer: honestSpecs[i], start, steps: row.updates });
      expect(row.endPoint).toEqual(alone.path[alone.path.length - 1]);
    }
    expect((await server.http('/health')).status).toBe(200);
  });

  it('a script creating rooms in a loop hits the per-process room limit; existing rooms keep working', async () => {
    const client = server.client();
    const created: string[] = [];
    let refusal = '';
    for (let i = 0; i < 10 && !refusal; i++) {
      try {
        created.push((await client.create('race', { settings: quickSettings() })).roomId);
      } catch (e) {
        refusal = (e as Error).message;
      }
    }
    expect(refusal).toMatch(/already hosts 6 rooms/);
    expect(created.length).toBeLessThanOrEqual(6);
    const bot = await joinPlayer(server.client(), created[0], { name: 'Still fine' });
    expect(bot.welcome!.code).toBe(created[0]);
  });
});
