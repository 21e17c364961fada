/**
 * The instructor's workshop: a landscape library an instructor owns
 * (`libraryEntry.ts`: entries, limits, the terrain cost rule, the export
 * file), and sessions of several rounds (`sessionScore.ts`: the scoreboard's
 * rules; `sessionExport.ts`: every round in one CSV or JSON file).
 */
export {
  parseLibraryEntry,
  parseLibraryEntryWithLandscape,
  entryOptimizerFits,
  parseTerrain,
  parsePreset,
  checkEntryCost,
  entrySettingsPatch,
  parseLibraryFile,
  libraryFileEntries,
  libraryFile,
  utf8Length,
  LIBRARY_LIMITS,
  LIBRARY_CLASS_SIZE,
  LIBRARY_FILE_FORMAT,
  PRESET_SETTING_FIELDS,
  type LibraryEntry,
  type StoredLibraryEntry,
  type EntryCostOptions,
  type OptimizerFit,
} from './libraryEntry';
export {
  SESSION_RULES,
  DEFAULT_SESSION_RULE,
  SESSION_RULE_LABELS,
  SESSION_VALUE_LABELS,
  sessionRuleExplanation,
  sessionRuleHigherIsBetter,
  sessionStandings,
  parseSessionRule,
  type SessionRule,
  type SessionRound,
  type SessionRoundRow,
  type SessionStanding,
} from './sessionScore';
export {
  sessionToCsv,
  sessionToJson,
  sessionRoundsOf,
  terrainTitle,
  SESSION_FILE_FORMAT,
  type SessionExportRound,
  type SessionFile,
} from './sessionExport';

/** How long a session may grow, and how much of its scoreboard the room's state carries. */
export const SESSION_LIMITS = Object.freeze({
  /** Rounds one room keeps on its scoreboard; past it the host is asked to export and open a new room. */
  maxRounds: 40,
  /** Scoreboard rows in the synchronised state (the export has them all). */
  standingsShown: 100,
});
