import type { LandscapeSpec } from '../landscapes/Landscape';
import { Rng } from '../random/Rng';
import { SpecError, describeValue } from '../spec/SpecError';
import { KNOB_NAMES } from '../race/knobs';
import { parseRaceSettings, type RaceSettings } from '../race/RaceSettings';
import type { Challenge, ChallengeSetup, NetworkChoice } from './Challenge';

/** Attempt seeds are whole numbers (solo counts attempts 1, 2, 3, …; tests use 1…50). */
export const ATTEMPT_SEED_RANGE = [1, 1_000_000] as const;

export function checkAttemptSeed(seed: unknown, path = 'seed'): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < ATTEMPT_SEED_RANGE[0] || seed > ATTEMPT_SEED_RANGE[1]) {
    throw new SpecError(path, `must be a whole number in [${ATTEMPT_SEED_RANGE.join(', ')}], got ${describeValue(seed)}`);
  }
  return seed;
}

/** The knobs a challenge locks: every knob its controls do not list. */
export function lockedKnobsOf(ch: Challenge): string[] {
  return KNOB_NAMES.filter((k) => !ch.controls.knobs.includes(k));
}

const inRange = (v: unknown, r: readonly [number, number]) => typeof v === 'number' && Number.isFinite(v) && v >= r[0] && v <= r[1];

/**
 * Checks the parts of a setup the race settings do not (the network choices,
 * Newton's damping, the curve's training, the start) against the challenge's
 * controls: a field the student may not change must equal the initial
 * setup's. Throws `SpecError` naming the field and what is allowed.
 */
export function checkSetup(ch: Challenge, setup: ChallengeSetup, path = 'setup'): void {
  const c = ch.controls;
  const net = setup.network ?? {};
  const init = ch.initial.network ?? {};
  for (const key of Object.keys(net) as (keyof NetworkChoice)[]) {
    const allowed = c.network?.[key];
    const v = net[key];
    if (allowed === undefined) {
      if (v !== init[key]) throw new SpecError(`${path}.network.${key}`, `is fixed in this challenge at ${describeValue(init[key])}`);
    } else if (allowed === true) {
      if (typeof v !== 'boolean') throw new SpecError(`${path}.network.${key}`, `must be true or false, got ${describeValue(v)}`);
    } else if (Array.isArray(allowed) && typeof allowed[0] === 'number') {
      if (!inRange(v, allowed as unknown as readonly [number, number]))
        throw new SpecError(`${path}.network.${key}`, `must be in [${allowed.join(', ')}], got ${describeValue(v)}`);
    } else if (!(allowed as readonly unknown[]).includes(v)) {
      throw new SpecError(`${path}.network.${key}`, `must be one of ${(allowed as readonly string[]).join(', ')}, got ${describeValue(v)}`);
    }
  }
  const damping = (setup.optimizer as { damping?: unknown }).damping;
  if (damping !== undefined && damping !== (ch.initial.optimizer as { damping?: unknown }).damping) {
    if (!c.damping) throw new SpecError(`${path}.optimizer.damping`, 'is fixed in this challenge');
    if (!inRange(damping, c.damping))
      throw new SpecError(`${path}.optimizer.damping`, `must be in [${c.damping.join(', ')}], got ${describeValue(damping)}`);
  }
  if (setup.curve) {
    if (!c.curve) throw new SpecError(`${path}.curve`, 'is not part of this challenge');
    if (!Number.isInteger(setup.curve.steps) || !inRange(setup.curve.steps, c.curve.steps))
      throw new SpecError(
        `${path}.curve.steps`,
        `must be a whole number in [${c.curve.steps.join(', ')}], got ${describeValue(setup.curve.steps)}`,
      );
    if (!inRange(setup.curve.lr, c.curve.lr))
      throw new SpecError(`${path}.curve.lr`, `must be in [${c.curve.lr.join(', ')}], got ${describeValue(setup.curve.lr)}`);
  }
  if (setup.start && !c.start) {
    const s0 = ch.initial.start;
    if (!s0 || s0[0] !== setup.start[0] || s0[1] !== setup.start[1]) throw new SpecError(`${path}.start`, 'is fixed in this challenge');
  }
}

/** The challenge's terrain for this setup and attempt (network choices applied; a network drawn from the seed). */
export function challengeLandscape(ch: Challenge, setup: ChallengeSetup, seed: number): LandscapeSpec {
  const base = ch.landscape as Record<string, unknown>;
  if (base.kind !== 'mlp') return ch.landscape;
  const spec: Record<string, unknown> = { ...base, ...(ch.initial.network ?? {}), ...(setup.network ?? {}) };
  if (ch.networkPerSeed) spec.seed = (typeof base.seed === 'number' ? base.seed : 0) + seed;
  return spec as unknown as LandscapeSpec;
}

/**
 * Where an attempt starts: the chosen start (or the preset's), moved by up to
 * `startJitter` along each axis, drawn from the seed. Networks start at their
 * initial weights, (0, 0) of the drawing plane.
 */
export function attemptStart(ch: Challenge, setup: ChallengeSetup, seed: number): [number, number] {
  const base = setup.start ?? ch.initial.start ?? presetStart(ch);
  const [dx, dy] = ch.startJitter;
  if (dx <= 0 && dy <= 0) return [base[0], base[1]];
  const rng = new Rng(`challenge:${ch.id}:${seed}`).fork('start');
  return [base[0] + dx * rng.uniformIn(-1, 1), base[1] + dy * rng.uniformIn(-1, 1)];
}

function presetStart(ch: Challenge): [number, number] {
  const rule = ch.preset.settings.startRule;
  return rule?.kind === 'shared' ? [rule.point[0], rule.point[1]] : [0, 0];
}

/**
 * The race settings of one attempt: the challenge's preset, its allowed
 * optimizers and locks, the terrain for this setup, the start for this seed
 * (a 'choose' rule when a twin races too), and the seed. Throws `SpecError`
 * naming the field for a setup outside the controls.
 */
export function challengeSettings(ch: Challenge, setup: ChallengeSetup, seed: number): RaceSettings {
  checkAttemptSeed(seed);
  checkSetup(ch, setup);
  const s = ch.preset.settings as unknown as Record<string, unknown>;
  return parseRaceSettings({
    ...s,
    landscape: challengeLandscape(ch, setup, seed),
    startRule: ch.twin ? { kind: 'choose' } : { kind: 'shared', point: attemptStart(ch, setup, seed) },
    maxPlayers: ch.twin ? 2 : 1,
    seed,
  });
}
