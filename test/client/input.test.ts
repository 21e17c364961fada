import { describe, expect, it } from 'vitest';
import { createOptimizer } from '@gradient-rally/shared';
import { parseJoinCode, parseNickname, parseNumberField } from '../../client/src/input/joinCode';
import {
  DEFAULT_KNOBS,
  KNOB_OPTIMIZERS,
  knobApplies,
  knobsToOptimizerSpec,
  lrFromSlider,
  optimizerSpecToKnobs,
  sliderFromLr,
} from '../../client/src/input/knobs';
import { describeJoinFailure } from '../../client/src/net/joinErrors';
import { chooseServer, serverUrl } from '../../client/src/net/serverUrl';

describe('join code and nickname input', () => {
  it('accepts codes as people type them', () => {
    expect(parseJoinCode(' ab2-c3d ')).toEqual({ ok: true, value: 'AB2C3D' });
    expect(parseJoinCode('ab c3d4')).toEqual({ ok: true, value: 'ABC3D4' });
  });
  it('explains what is wrong', () => {
    expect(parseJoinCode('')).toMatchObject({ ok: false });
    const o = parseJoinCode('AB0CDE');
    expect(o.ok).toBe(false);
    if (!o.ok) expect(o.message).toContain('“0”');
    const short = parseJoinCode('ABC');
    if (!short.ok) expect(short.message).toMatch(/6 characters; this one has 3/);
    expect(parseJoinCode('ABCDEFG').ok).toBe(false);
  });
  it('nicknames are trimmed and bounded; empty is fine', () => {
    expect(parseNickname('  Ada   Lovelace ')).toEqual({ ok: true, value: 'Ada Lovelace' });
    expect(parseNickname('')).toEqual({ ok: true, value: '' });
    expect(parseNickname('x'.repeat(21)).ok).toBe(false);
  });
  it('number fields refuse NaN, Infinity and out-of-range values', () => {
    expect(parseNumberField('0,5', 'Momentum', 0, 1)).toEqual({ ok: true, value: 0.5 });
    for (const t of ['', 'abc', 'Infinity', 'NaN', '2']) expect(parseNumberField(t, 'Momentum', 0, 1).ok).toBe(false);
  });
});

describe('knobs → optimizer spec', () => {
  it('every kind yields a spec shared accepts, with and without game knobs', () => {
    for (const kind of KNOB_OPTIMIZERS) {
      for (const extra of [
        {},
        { noise: 0.2, samRadius: 0.05, schedule: 'cosine' as const, weightDecay: 0.01 },
        { schedule: 'step' as const, momentum: 0.5 },
      ]) {
        const spec = knobsToOptimizerSpec(
          { ...DEFAULT_KNOBS, kind, momentum: kind.startsWith('adam') ? 0.9 : 0, ...extra },
          { totalSteps: 300 },
        );
        expect(() => createOptimizer(spec, 2), `${kind} ${JSON.stringify(spec)}`).not.toThrow();
      }
    }
  });
  it('momentum is β1 for Adam and momentum for SGD; fields that do not apply are left out', () => {
    expect(knobsToOptimizerSpec({ ...DEFAULT_KNOBS, kind: 'adam', momentum: 0.8, beta2: 0.99 })).toEqual({
      kind: 'adam',
      lr: 0.01,
      betas: [0.8, 0.99],
    });
    expect(knobsToOptimizerSpec({ ...DEFAULT_KNOBS, kind: 'sgd', momentum: 0.9, nesterov: true })).toEqual({
      kind: 'sgd',
      lr: 0.01,
      momentum: 0.9,
      nesterov: true,
    });
    expect(knobsToOptimizerSpec({ ...DEFAULT_KNOBS, kind: 'adagrad', momentum: 0.9 })).toEqual({ kind: 'adagrad', lr: 0.01 });
    expect(knobApplies('newton', 'weightDecay')).toBe(false);
    expect(knobsToOptimizerSpec({ ...DEFAULT_KNOBS, batchSize: 32 }, { mlp: true }).batchSize).toBe(32);
    expect(knobsToOptimizerSpec({ ...DEFAULT_KNOBS, batchSize: 32 }).batchSize).toBeUndefined();
  });
  it('round-trips through the spec the server echoes', () => {
    const k = {
      ...DEFAULT_KNOBS,
      kind: 'adamw' as const,
      lr: 0.003,
      momentum: 0.85,
      beta2: 0.98,
      noise: 0.1,
      samRadius: 0.05,
      weightDecay: 0.02,
      schedule: 'cosine' as const,
    };
    expect(optimizerSpecToKnobs(knobsToOptimizerSpec(k))).toEqual(k);
    expect(optimizerSpecToKnobs(null).kind).toBe('sgd');
    expect(optimizerSpecToKnobs({ kind: 'evil', lr: NaN }).lr).toBe(DEFAULT_KNOBS.lr);
  });
  it('the learning-rate slider is logarithmic and clamped', () => {
    expect(lrFromSlider(-2)).toBe(0.01);
    expect(sliderFromLr(0.001)).toBeCloseTo(-3, 12);
    expect(sliderFromLr(1e-9)).toBe(-5);
    expect(sliderFromLr(1e9)).toBe(1);
  });
});

describe('join failures become clear sentences', () => {
  it.each([
    [{ code: 4212, message: 'room "ABCDEF" not found' }, 'wrong-code'],
    [{ code: 423, message: 'this room is locked by the host' }, 'locked'],
    [{ code: 409, message: 'this room is full (30 players)' }, 'full'],
    [{ code: 409, message: 'a race is running and late join is off: wait for the next round' }, 'late'],
    [{ code: 403, message: 'you were removed from this room by the host' }, 'kicked'],
    [new TypeError('Failed to fetch'), 'server-down'],
    [{ type: 'error' }, 'server-down'],
    [{ code: 500, message: 'boom' }, 'other'],
  ])('%o → %s', (error, kind) => {
    const f = describeJoinFailure(error, 'ABCDEF');
    expect(f.kind).toBe(kind);
    expect(f.message.length).toBeGreaterThan(10);
  });
});

describe('server URL', () => {
  it('defaults to the page host, with an allowed ?server= and the build-time URL overriding', () => {
    expect(serverUrl({ protocol: 'https:', host: 'class.example:8443', search: '' })).toBe('wss://class.example:8443');
    expect(serverUrl({ protocol: 'http:', host: 'localhost:2567', search: '' })).toBe('ws://localhost:2567');
    expect(serverUrl({ protocol: 'http:', host: 'x', search: '?server=http://y:1' }, 'ws://z', 'wss://w, ws://y:1')).toBe('ws://y:1');
    expect(serverUrl({ protocol: 'http:', host: 'x', search: '?server=ws://x/' })).toBe('ws://x/');
    expect(serverUrl({ protocol: 'http:', host: 'x', search: '' }, 'wss://z')).toBe('wss://z');
  });

  it('ignores a ?server= that is neither the page origin nor allowed, so stored secrets never leave for it', () => {
    const page = { protocol: 'https:', host: 'class.example', search: '?host=ABCDEF&server=http://elsewhere.example' };
    expect(chooseServer(page)).toEqual({ wsUrl: 'wss://class.example', param: null });
    expect(chooseServer(page, 'wss://game.example')).toEqual({ wsUrl: 'wss://game.example', param: null });
    expect(chooseServer(page, undefined, 'wss://game.example').wsUrl).toBe('wss://class.example');
    // Same host over another scheme or port is another origin; credentials in the URL never pass.
    for (const server of [
      'http://class.example',
      'https://class.example:444',
      'https://user:pw@class.example',
      'javascript:alert(1)',
      '//elsewhere',
    ]) {
      expect(chooseServer({ ...page, search: `?server=${encodeURIComponent(server)}` }).wsUrl, server).toBe('wss://class.example');
    }
    expect(chooseServer({ ...page, search: '?server=https://class.example' })).toEqual({
      wsUrl: 'wss://class.example',
      param: 'https://class.example',
    });
  });
});
