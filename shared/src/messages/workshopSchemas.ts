/**
 * The instructor's workshop on the wire: the session's settings a host sends
 * (`host:session`), the session as the room shows it (`sessionJson` in the
 * state), the previous round's ghosts (`ghosts` message), and library entries
 * as the HTTP API answers them. Shapes only: the meaning is checked where the
 * data is made (`parseLibraryEntry`, the room's session).
 */
import { z } from 'zod';
import { LIBRARY_LIMITS } from '../workshop/libraryEntry';
import { SESSION_RULES } from '../workshop/sessionScore';
import { landscapeSpecSchema, trailSnapshotSchema } from './raceSchemas';

const int = z.number().int();

/** The instructor's note for the room's current terrain (the lesson of a library entry). */
export const instructorNoteSchema = z.object({
  title: z.string().trim().min(1).max(LIBRARY_LIMITS.titleChars),
  text: z.string().max(LIBRARY_LIMITS.lessonChars),
});
export type InstructorNote = z.infer<typeof instructorNoteSchema>;

/**
 * `host:session` (without its secret): how rounds combine on the scoreboard,
 * whether the previous round's racers race along as ghosts, and the note shown
 * to students while the room's terrain stays the one it was set for (null
 * clears it). Each field is optional: only what is sent changes.
 */
export const sessionSettingsSchema = z.object({
  rule: z.enum(SESSION_RULES).optional(),
  ghosts: z.boolean().optional(),
  /**
   * `terrain`: the (normalised) terrain the note is about — it shows while the
   * room races on exactly that terrain; without it, the room's terrain now.
   */
  note: instructorNoteSchema.extend({ terrain: landscapeSpecSchema.optional() }).nullable().optional(),
});
export type SessionSettings = z.infer<typeof sessionSettingsSchema>;

/** The session as every client sees it (`state.sessionJson`). */
export const sessionViewSchema = z.object({
  rule: z.enum(SESSION_RULES),
  ghosts: z.boolean(),
  /** The instructor's note for the current terrain, or null. */
  note: instructorNoteSchema.nullable(),
  /** Finished rounds, oldest first. */
  rounds: z.array(
    z.object({
      roundId: z.string(),
      round: int,
      title: z.string(),
      racers: int,
      winner: z.string().nullable(),
    }),
  ),
  /** The scoreboard, best first (`sessionStandings`), at most `SESSION_LIMITS.standingsShown` rows. */
  standings: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      rank: int,
      value: z.number(),
      perRound: z.array(z.number().nullable()),
      rounds: int,
    }),
  ),
  /** Players left out of `standings` (beyond the rows shown). */
  more: int,
  /** Rounds this room may still play before its session is full. */
  roundsLeft: int,
});
export type SessionView = z.infer<typeof sessionViewSchema>;

/**
 * The previous round's racers, replayed as ghosts in the next round on the
 * same terrain (`snapshot` null: no ghosts). Sent when it changes and to a
 * client that joins or returns.
 */
export const ghostsMessageSchema = z.object({
  /** The round the ghosts come from (0 when there are none). */
  round: int,
  racers: z.array(z.object({ id: z.string(), name: z.string(), slot: int })),
  snapshot: trailSnapshotSchema.nullable(),
});
export type GhostsMessage = z.infer<typeof ghostsMessageSchema>;

/** A library entry as the HTTP API returns it (`GET /api/landscapes`). */
export const storedLibraryEntrySchema = z.object({
  id: z.string(),
  title: z.string(),
  lesson: z.string(),
  terrain: landscapeSpecSchema,
  preset: z.object({
    settings: z.record(z.string(), z.unknown()),
    contrast: z.array(z.object({ label: z.string(), optimizer: z.object({ kind: z.string() }).catchall(z.unknown()) })),
  }),
  createdAt: z.string(),
  updatedAt: z.string(),
  shareId: z.string().nullable(),
});

/** A shared entry (`GET /api/shared-landscapes/:id`): read-only, without its owner's ids and dates. */
export const sharedLibraryEntrySchema = storedLibraryEntrySchema.pick({ title: true, lesson: true, terrain: true, preset: true });
export type StoredLibraryEntryWire = z.infer<typeof storedLibraryEntrySchema>;

/** The library API's answers, as the browser parses them. */
export const libraryAnswerSchemas = {
  list: z.object({
    entries: z.array(storedLibraryEntrySchema),
    limits: z.object({ entriesPerKey: int, entryBytes: int }),
  }),
  one: z.object({ entry: storedLibraryEntrySchema }),
  many: z.object({ entries: z.array(storedLibraryEntrySchema) }),
  share: z.object({ shareId: z.string(), link: z.string() }),
  shared: z.object({ entry: sharedLibraryEntrySchema }),
  refusal: z.object({ error: z.string(), field: z.string().optional() }),
} as const;
