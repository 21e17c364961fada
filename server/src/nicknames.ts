import { randomInt } from 'node:crypto';
import { NAME_MAX_LENGTH, NICKNAME_NOTES, nicknameAllowed, numberedNickname, tidyNickname } from '@gradient-rally/shared';

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
  /** Why the student got another name than the one typed (a sentence naming the new one), when they did. */
  note?: string;
}

/**
 * Turns what a student typed into a name fit for a projector, by shared's
 * nickname rule (the join form checks the same one): tidied, at most
 * NAME_MAX_LENGTH characters, not profane (else a friendly generated name),
 * unique in the room (case-insensitively; "Ada" then "Ada 2").
 *
 * @param taken lower-cased names already in the room
 */
export function cleanNickname(input: unknown, taken: ReadonlySet<string>): CleanName {
  const raw = typeof input === 'string' ? input : '';
  let name = tidyNickname(raw);
  let cut = false;
  if (Array.from(name).length > NAME_MAX_LENGTH) {
    name = Array.from(name).slice(0, NAME_MAX_LENGTH).join('').trim();
    cut = true;
  }
  if (name === '') {
    const given = suggestName(taken);
    return { name: given, note: raw.trim() === '' ? NICKNAME_NOTES.empty(given) : NICKNAME_NOTES.invisible(given) };
  }
  if (!nicknameAllowed(name)) {
    const given = suggestName(taken);
    return { name: given, note: NICKNAME_NOTES.refused(given) };
  }
  if (taken.has(name.toLowerCase())) {
    const unique = numberedNickname(name, taken);
    return { name: unique, note: NICKNAME_NOTES.taken(name, unique) };
  }
  return cut ? { name, note: NICKNAME_NOTES.tooLong(name) } : { name };
}

function uniqueName(base: string, taken: ReadonlySet<string>): string {
  return numberedNickname(base, taken);
}
