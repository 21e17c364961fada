import { randomInt } from 'node:crypto';
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';
import { NAME_MAX_LENGTH } from '@gradient-rally/shared';

const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

const ADJECTIVES = [
  'Brave',
  'Calm',
  'Clever',
  'Curious',
  'Eager',
  'Gentle',
  'Happy',
  'Lucky',
  'Nimble',
  'Quiet',
  'Rapid',
  'Steady',
  'Sunny',
  'Swift',
  'Witty',
  'Bold',
  'Keen',
  'Jolly',
];
const ANIMALS = [
  'Otter',
  'Falcon',
  'Lynx',
  'Panda',
  'Heron',
  'Koala',
  'Badger',
  'Gecko',
  'Marmot',
  'Puffin',
  'Ibex',
  'Tapir',
  'Wombat',
  'Walrus',
  'Finch',
  'Newt',
  'Orca',
  'Yak',
];

/** A friendly generated name, e.g. "Swift Otter". */
export function suggestName(taken: ReadonlySet<string> = new Set()): string {
  for (let i = 0; i < 50; i++) {
    const name = `${ADJECTIVES[randomInt(ADJECTIVES.length)]} ${ANIMALS[randomInt(ANIMALS.length)]}`;
    if (!taken.has(name.toLowerCase())) return name;
  }
  return uniqueName('Racer', taken);
}

export interface CleanName {
  name: string;
  /** Why the requested name was not used as typed, when it was not. */
  note?: string;
}

/**
 * Turns what a student typed into a name fit for a projector: control and
 * invisible characters removed, whitespace collapsed, trimmed, at most
 * NAME_MAX_LENGTH characters, not profane (obscenity's English preset, with
 * its leet-speak and look-alike transforms), unique in the room
 * (case-insensitively; "Ada" then "Ada 2").
 *
 * @param taken lower-cased names already in the room
 */
export function cleanNickname(input: unknown, taken: ReadonlySet<string>): CleanName {
  const raw = typeof input === 'string' ? input : '';
  let name = raw
    .normalize('NFKC')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  let note: string | undefined;
  if (name.length > NAME_MAX_LENGTH) {
    name = Array.from(name).slice(0, NAME_MAX_LENGTH).join('').trim();
    note = `names are at most ${NAME_MAX_LENGTH} characters`;
  }
  if (name === '') {
    return { name: suggestName(taken), note: raw.trim() === '' ? 'no name given: here is one' : 'that name had no visible characters' };
  }
  if (matcher.hasMatch(name)) {
    return { name: suggestName(taken), note: 'that name is not allowed here: here is a friendly one' };
  }
  if (taken.has(name.toLowerCase())) {
    const unique = uniqueName(name, taken);
    return { name: unique, note: `"${name}" is taken in this room` };
  }
  return note ? { name, note } : { name };
}

function uniqueName(base: string, taken: ReadonlySet<string>): string {
  for (let n = 2; ; n++) {
    const suffix = ` ${n}`;
    const stem = Array.from(base)
      .slice(0, NAME_MAX_LENGTH - suffix.length)
      .join('')
      .trim();
    const name = stem + suffix;
    if (!taken.has(name.toLowerCase())) return name;
  }
}
