import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';

/** Vite's hashed output: `/assets/name-HASH.ext` (content-addressed, so it never changes under its name). */
const HASHED_ASSET = /^\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9.]+$/;

export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The built client, for slow school networks: the brotli or gzip file that
 * the build wrote beside each asset is sent when the browser accepts it
 * (sirv picks it; nothing is compressed per request), hashed assets are
 * cached for a year and never revalidated, and everything else — `index.html`
 * above all, which names the current hashes — is revalidated on every load
 * (`no-cache` with an ETag, so an unchanged page costs a 304).
 *
 * Unknown paths without a file extension get `index.html` (the client routes
 * by query string); `null` when there is no build to serve.
 */
export function staticClient(dir: string): ((req: IncomingMessage, res: ServerResponse, next: () => void) => void) | null {
  if (!existsSync(dir)) return null;
  return sirv(dir, {
    single: true,
    etag: true,
    brotli: true,
    gzip: true,
    setHeaders(res, pathname) {
      res.setHeader('cache-control', HASHED_ASSET.test(pathname) ? IMMUTABLE : 'no-cache');
    },
  });
}
