import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity';
import { NAME_MAX_LENGTH } from './constants';

/**
 * The nickname rule both sides apply: the join form checks it as the student
 * types (so a refused name is said at once, beside the field), and the server
 * applies it again to whatever arrives. A nickname goes on a projector in
 * front of a class, so it is tidied (control and invisible characters
 * removed, spaces collapsed, at most `NAME_MAX_LENGTH` characters) and must
 * not be profane (obscenity's English preset, with its leet-speak and
 * look-alike transforms). A name already taken in the room gets a number
 * ("Ada" then "Ada 2"), and the student is told so.
 */

let matcher: RegExpMatcher | undefined;

/** Removes control and invisible characters, folds look-alike forms (NFKC), collapses spaces and trims. */
export function tidyNickname(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether a (tidied) nickname may be shown to a class. */
export function nicknameAllowed(name: string): boolean {
  // Built on first use: the patterns cost a few milliseconds, and pages that never check a name skip them.
  matcher ??= new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
  return !matcher.hasMatch(name);
}

/** What the join form says about a nickname it refuses; undefined when the name may be used (empty is fine: a friendly one is picked). */
export function nicknameProblem(raw: string): string | undefined {
  const name = tidyNickname(raw);
  if ([...name].length > NAME_MAX_LENGTH) return `A nickname has at most ${NAME_MAX_LENGTH} characters.`;
  if (name !== '' && !nicknameAllowed(name))
    return 'That nickname is not allowed here: pick another one (or leave it empty and the game picks a friendly one).';
  return undefined;
}

/** The first of "base 2", "base 3", … that is not taken (lower-cased names), kept within `NAME_MAX_LENGTH`. */
export function numberedNickname(base: string, taken: ReadonlySet<string>): string {
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

/** Why a student got another name than the one typed, in the words the join message uses. */
export const NICKNAME_NOTES = {
  taken: (typed: string, given: string) => `"${typed}" is taken in this game, so you are "${given}".`,
  tooLong: (given: string) => `Nicknames have at most ${NAME_MAX_LENGTH} characters, so you are "${given}".`,
  empty: (given: string) => `You left the nickname empty, so you are "${given}".`,
  invisible: (given: string) => `That nickname had no visible characters, so you are "${given}".`,
  refused: (given: string) => `That nickname is not allowed here, so you are "${given}".`,
} as const;
