import {
  DEFAULT_SESSION_RULE,
  SESSION_LIMITS,
  sessionStandings,
  type GhostsMessage,
  type InstructorNote,
  type LandscapeSpec,
  type ResultsMessage,
  type SessionRound,
  type SessionRule,
  type SessionSettings,
  type SessionView,
  type TrailSnapshot,
} from '@gradient-rally/shared';

/** A finished round as the session keeps it (what `RoomModel` hands over when its results are ready). */
export interface SessionRoundInput {
  results: ResultsMessage;
  /** The terrain's title (the instructor's note's title wins while the note is on this terrain). */
  title: string;
  landscape: LandscapeSpec;
  /** Every racer's trail at the end (the next round's ghosts): a promise, as a race in a worker sends them. */
  trails: Promise<TrailSnapshot>;
  /** Colour-and-shape slot of each racer, by id. */
  slots: ReadonlyMap<string, number>;
}

const NO_GHOSTS: GhostsMessage = Object.freeze({ round: 0, racers: [], snapshot: null }) as GhostsMessage;

/**
 * The rounds one room has played, as plain logic beside `RoomModel` (which
 * calls it; no sockets, no storage): the scoreboard under the host's rule,
 * the previous round's ghosts, and the instructor's note for the terrain it
 * was set on. Bounded: `SESSION_LIMITS.maxRounds` rounds, and the view in
 * the synchronised state carries at most `SESSION_LIMITS.standingsShown`
 * scoreboard rows. The full record of every round is in storage
 * (`RoundStore`), which the session export reads.
 *
 * `view` and `ghosts` return the same object until something they show
 * changes, so the adapter serialises or broadcasts only on a change.
 */
export class Session {
  rule: SessionRule = DEFAULT_SESSION_RULE;
  ghostsOn = false;
  private readonly rounds: SessionRound[] = [];
  private last: { round: number; landscapeKey: string; racers: GhostsMessage['racers']; snapshot: TrailSnapshot | null } | null = null;
  private note: { landscapeKey: string; note: InstructorNote } | null = null;
  private version = 0;
  private viewCache: { version: number; landscape: LandscapeSpec; view: SessionView } | null = null;
  private ghostsCache: { version: number; landscape: LandscapeSpec; message: GhostsMessage } | null = null;

  get roundCount(): number {
    return this.rounds.length;
  }

  /** Applies a host's `host:session` (already schema-checked); a note without its terrain attaches to `landscape`, the room's terrain now. */
  configure(settings: SessionSettings, landscape: LandscapeSpec): void {
    if (settings.rule !== undefined) this.rule = settings.rule;
    if (settings.ghosts !== undefined) this.ghostsOn = settings.ghosts;
    if (settings.note !== undefined) {
      const n = settings.note;
      // Compared as text, never built: a note for a terrain the room is not on simply does not show.
      this.note = n === null ? null : { landscapeKey: keyOf(n.terrain ?? landscape), note: { title: n.title.trim(), text: n.text } };
    }
    this.version++;
  }

  /** Why a new round may not start (the session is full), or null. */
  refuseStart(): string | null {
    if (this.rounds.length < SESSION_LIMITS.maxRounds) return null;
    return `this room has played ${SESSION_LIMITS.maxRounds} rounds, the most one session keeps: export the session, then host a new game`;
  }

  /**
   * A round's results are in: it joins the scoreboard now, and its trails
   * become the next round's ghosts when they arrive (the promise returned
   * resolves then, true if they changed what `ghosts` shows; trails that
   * never come leave no ghosts).
   */
  roundFinished(input: SessionRoundInput): Promise<boolean> {
    const { results } = input;
    const key = keyOf(input.landscape);
    this.rounds.push({
      roundId: results.roundId,
      round: results.round,
      // A library terrain is known by its entry's title (the note's), not by its recipe.
      title: this.note && this.note.landscapeKey === key ? this.note.note.title : input.title,
      rows: results.rows.map((r) => ({ id: r.id, name: r.name, rank: r.rank, score: r.score })),
    });
    const last = {
      round: results.round,
      landscapeKey: key,
      racers: results.rows.map((r) => ({ id: r.id, name: r.name, slot: input.slots.get(r.id) ?? 0 })),
      snapshot: null as TrailSnapshot | null,
    };
    this.last = last;
    this.version++;
    return input.trails.then(
      (snapshot) => {
        if (this.last !== last) return false; // a later round came first
        last.snapshot = snapshot;
        this.version++;
        return true;
      },
      () => false,
    );
  }

  /** The session as clients see it, for a room whose terrain is `landscape` now. */
  view(landscape: LandscapeSpec): SessionView {
    const cached = this.viewCache;
    if (cached && cached.version === this.version && cached.landscape === landscape) return cached.view;
    const standings = sessionStandings(this.rounds, this.rule);
    const view: SessionView = {
      rule: this.rule,
      ghosts: this.ghostsOn,
      note: this.note && this.note.landscapeKey === keyOf(landscape) ? this.note.note : null,
      rounds: this.rounds.map((r) => ({
        roundId: r.roundId,
        round: r.round,
        title: r.title,
        racers: r.rows.length,
        winner: r.rows.find((row) => row.rank === 1)?.name ?? null,
      })),
      standings: standings.slice(0, SESSION_LIMITS.standingsShown),
      more: Math.max(0, standings.length - SESSION_LIMITS.standingsShown),
      roundsLeft: Math.max(0, SESSION_LIMITS.maxRounds - this.rounds.length),
    };
    this.viewCache = { version: this.version, landscape, view };
    return view;
  }

  /**
   * The ghosts to show in the coming round: the previous round's racers when
   * ghosts are on and the terrain is the one they raced on (their paths mean
   * nothing on another terrain), else none.
   */
  ghosts(landscape: LandscapeSpec): GhostsMessage {
    const cached = this.ghostsCache;
    if (cached && cached.version === this.version && cached.landscape === landscape) return cached.message;
    const last = this.last;
    const show = this.ghostsOn && last !== null && last.snapshot !== null && last.landscapeKey === keyOf(landscape);
    const message = show ? { round: last.round, racers: last.racers, snapshot: last.snapshot } : NO_GHOSTS;
    // Same content as before (a settings change that kept the terrain): same object, nothing re-sent.
    const same = cached && cached.message.round === message.round && cached.message.snapshot === message.snapshot;
    this.ghostsCache = { version: this.version, landscape, message: same ? cached.message : message };
    return this.ghostsCache.message;
  }
}

function keyOf(landscape: LandscapeSpec): string {
  return JSON.stringify(landscape);
}
