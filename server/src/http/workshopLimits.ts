import type { ServerResponse } from 'node:http';
import { waitText } from './AddressLimits';
import type { AttemptLog, WindowRule } from './AttemptLog';
import { sendJson } from './requestBody';

/**
 * Per-address windows on the workshop's HTTP doors (the landscape library,
 * shared links, session exports), counted in the same sliding-window log as
 * the matchmaker's (`AttemptLog`: in memory, or in Redis shared by every
 * process). Sized for a school behind one address: a few instructors editing
 * and reloading, a class opening a shared link, while a script gets a short
 * budget: `newKeys` caps how many fresh libraries one address can start (each
 * may hold `LIBRARY_LIMITS.entriesPerKey` entries of at most 8 KB).
 */
export interface WorkshopRules {
  /** Library listings and entry reads. */
  reads: WindowRule;
  /** Entries created, changed, deleted or shared (each entry of an import counts). */
  writes: WindowRule;
  /** Writes from a key that owns nothing yet: new libraries. */
  newKeys: WindowRule;
  /** Shared-link reads (no key needed). */
  sharedReads: WindowRule;
  /** Session exports (every round of a room, with replay records). */
  exports: WindowRule;
}

export const DEFAULT_WORKSHOP_RULES: WorkshopRules = Object.freeze({
  reads: { limit: 120, seconds: 60 },
  writes: { limit: 60, seconds: 60 },
  newKeys: { limit: 10, seconds: 3600 },
  sharedReads: { limit: 120, seconds: 60 },
  exports: { limit: 30, seconds: 60 },
});

/**
 * Takes `count` attempts from `key`'s window; on refusal answers 429 with
 * `Retry-After` and a sentence saying what and how long, and returns null.
 * Returns the receipts otherwise (to refund attempts that turned out not to count).
 */
export async function takeWindow(
  attempts: AttemptLog,
  res: ServerResponse,
  key: string,
  rule: WindowRule,
  what: string,
  count = 1,
): Promise<string[] | null> {
  const receipts: string[] = [];
  for (let i = 0; i < count; i++) {
    const taken = await attempts.take(key, rule);
    if (!taken.ok) {
      for (const r of receipts) await attempts.refund(key, r).catch(() => undefined);
      sendJson(
        res,
        429,
        { error: `${what}: wait ${waitText(taken.retryAfterSeconds)} and try again` },
        {
          'retry-after': String(taken.retryAfterSeconds),
        },
      );
      return null;
    }
    receipts.push(taken.receipt);
  }
  return receipts;
}

/** `Authorization: Bearer <token>`, or null. */
export function bearerToken(header: string | undefined): string | null {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m ? m[1] : null;
}
