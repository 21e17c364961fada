import { describe, expect, it } from 'vitest';
import { NAME_MAX_LENGTH } from '@gradient-rally/shared';
import { cleanNickname, suggestName } from '../../server/src/nicknames';

const none = new Set<string>();
const SUGGESTED = /^[A-Z][a-z]+ [A-Z][a-z]+$/;

describe('cleanNickname', () => {
  it('keeps a fine name as typed, without a note', () => {
    expect(cleanNickname('Ada Lovelace', none)).toEqual({ name: 'Ada Lovelace' });
    expect(cleanNickname('Zoë 🚀', none)).toEqual({ name: 'Zoë 🚀' });
  });

  it('normalises with NFKC: full-width letters and ligatures become plain ones', () => {
    expect(cleanNickname('Ａｄａ', none).name).toBe('Ada');
    expect(cleanNickname('ﬁona', none).name).toBe('fiona');
    expect(cleanNickname('Ada\u00A0Lovelace', none).name).toBe('Ada Lovelace'); // no-break space
  });

  it('drops control and invisible characters, collapses whitespace, trims', () => {
    expect(cleanNickname('  A\u0000d\u200Ba\u202E  \t\n Lovelace ', none).name).toBe('Ada Lovelace');
    expect(cleanNickname('line\u2028break', none).name).toBe('linebreak');
  });

  it(`cuts names at ${NAME_MAX_LENGTH} characters (not UTF-16 units) and says so`, () => {
    const long = cleanNickname('Bartholomew Fitzgerald-Smythe', none);
    expect(long.name).toBe('Bartholomew Fitzgera');
    expect(long.note).toBe('Nicknames have at most 20 characters, so you are "Bartholomew Fitzgera".');
    const emoji = cleanNickname('🚀'.repeat(25), none);
    expect(Array.from(emoji.name)).toHaveLength(NAME_MAX_LENGTH);
  });

  it('gives an empty or invisible name a friendly generated one, with the reason', () => {
    const empty = cleanNickname('', none);
    expect(empty.name).toMatch(SUGGESTED);
    expect(empty.note).toBe(`You left the nickname empty, so you are "${empty.name}".`);
    expect(cleanNickname(undefined, none).note).toMatch(/^You left the nickname empty, so you are "/);
    expect(cleanNickname(42, none).name).toMatch(SUGGESTED);
    const invisible = cleanNickname('\u200B\u200D\u2060', none);
    expect(invisible.name).toMatch(SUGGESTED);
    expect(invisible.note).toBe(`That nickname had no visible characters, so you are "${invisible.name}".`);
  });

  it('refuses profanity, also in leet-speak and look-alikes, and offers a friendly name', () => {
    for (const rude of ['fuck', 'FUCK you', 'fuuuck', 'sh1t', 'ｆｕｃｋ']) {
      const r = cleanNickname(rude, none);
      expect(r.name, rude).toMatch(SUGGESTED);
      expect(r.note, rude).toBe(`That nickname is not allowed here, so you are "${r.name}".`);
    }
    // Words that merely contain a rude substring stay (the Scunthorpe problem).
    expect(cleanNickname('Scunthorpe', none).name).toBe('Scunthorpe');
  });

  it('makes a taken name unique, case-insensitively: "Ada", then "Ada 2", "Ada 3"', () => {
    const taken = new Set(['ada']);
    const second = cleanNickname('ADA', taken);
    // The note says both names: the student looks for "ADA 2" on the projector.
    expect(second).toEqual({ name: 'ADA 2', note: '"ADA" is taken in this game, so you are "ADA 2".' });
    expect(cleanNickname('Ada', new Set(['ada', 'ada 2'])).name).toBe('Ada 3');
    // The number still fits: the stem is shortened instead.
    const full = 'A'.repeat(NAME_MAX_LENGTH);
    expect(cleanNickname(full, new Set([full.toLowerCase()])).name).toBe(`${'A'.repeat(NAME_MAX_LENGTH - 2)} 2`);
  });

  it('leaves formula characters alone: CSV exports escape them, names are not refused for them', () => {
    expect(cleanNickname('=1+1', none).name).toBe('=1+1');
  });
});

describe('suggestName', () => {
  it('is an adjective and an animal, and avoids names already taken', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const name = suggestName(seen);
      expect(name).toMatch(SUGGESTED);
      expect(seen.has(name.toLowerCase())).toBe(false);
      seen.add(name.toLowerCase());
      if (seen.size >= 150) break;
    }
  });

  it('falls back to "Racer N" when every generated name is taken', () => {
    const all = new Set<string>();
    const adjectives = [
      'brave',
      'calm',
      'clever',
      'curious',
      'eager',
      'gentle',
      'happy',
      'lucky',
      'nimble',
      'quiet',
      'rapid',
      'steady',
      'sunny',
      'swift',
      'witty',
      'bold',
      'keen',
      'jolly',
    ];
    const animals = [
      'otter',
      'falcon',
      'lynx',
      'panda',
      'heron',
      'koala',
      'badger',
      'gecko',
      'marmot',
      'puffin',
      'ibex',
      'tapir',
      'wombat',
      'walrus',
      'finch',
      'newt',
      'orca',
      'yak',
    ];
    for (const a of adjectives) for (const b of animals) all.add(`${a} ${b}`);
    expect(suggestName(all)).toBe('Racer 2');
  });
});
