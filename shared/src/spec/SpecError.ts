/**
 * The one error type `shared` throws for bad input: a landscape, optimizer or
 * race spec that is malformed or out of range, or an expression that does not
 * parse. `path` names the offending field (`optimizer.lr`, `landscape.expr`),
 * and the message says what was allowed and what arrived, so the server can
 * forward it to a player unchanged.
 *
 * @example
 *   try { createOptimizer({ kind: 'sgd', lr: -1 }) }
 *   catch (e) { if (e instanceof SpecError) console.log(e.path, e.message) }
 */
export class SpecError extends Error {
  override readonly name = 'SpecError';
  constructor(
    /** Dotted path of the offending field, e.g. `optimizer.betas[1]`. */
    readonly path: string,
    message: string,
    /** For parse errors: 0-based character offset into the source string. */
    readonly position?: number,
  ) {
    super(path ? `${path}: ${message}` : message);
  }
}

/** Short, safe rendering of an arbitrary value for an error message. */
export function describeValue(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return typeof v === 'object' ? 'an object' : typeof v;
}
