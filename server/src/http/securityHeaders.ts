import type { ServerResponse } from 'node:http';

/**
 * Headers every response carries.
 *
 * The CSP is what the built client needs and no more (checked in Chromium by
 * `test/e2e/security.test.ts`, which fails on any CSP violation):
 * - scripts, styles, workers and fonts from this origin only: no inline
 *   script, no `eval`; inline `style="…"` is not needed either (the client sets
 *   styles through the CSSOM, which CSP does not govern). WebAssembly may be
 *   compiled (`'wasm-unsafe-eval'`, which allows no JavaScript eval): the MLP
 *   terrains assemble their kernels at run time (`shared/src/mlp/fast`);
 * - images also from `data:` and `blob:` (the favicon, QR codes, the terrain
 *   pictures drawn into canvases);
 * - `connect-src` this origin (HTTP and, in CSP 3, its ws:/wss: twin) plus the
 *   game servers an operator allows (`ALLOWED_SERVERS`), so even a page
 *   talked into using another server cannot reach it;
 * - never framed (`frame-ancestors 'none'` and `X-Frame-Options: DENY`, which
 *   also blocks clickjacking the host's controls), no plugins, no `<base>`.
 *
 * `Referrer-Policy: no-referrer`: a page URL carries a join code, which other
 * sites have no business seeing.
 */
export function securityHeaders(allowedServers: readonly string[] = []): Record<string, string> {
  const connect = ["'self'", ...allowedServers.flatMap(connectSources)];
  const csp = [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${[...new Set(connect)].join(' ')}`,
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  };
}

/** Sets `headers` on a response before anything else writes to it. */
export function applyHeaders(res: ServerResponse, headers: Record<string, string>): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
}

/**
 * A game-server address as CSP sources: its origin over HTTP(S) (the
 * matchmaker) and over WS(S) (the room socket).
 *
 * @example connectSources('wss://game.example.org') // ['https://game.example.org', 'wss://game.example.org']
 */
export function connectSources(address: string): string[] {
  const origin = serverOrigin(address);
  if (!origin) return [];
  const secure = origin.startsWith('https:');
  const host = origin.replace(/^https?:\/\//, '');
  return [origin, `${secure ? 'wss' : 'ws'}://${host}`];
}

/**
 * The http(s) origin of a game-server address given as ws(s):// or http(s)://
 * (path and query dropped), or null when it is not one.
 */
export function serverOrigin(address: string): string | null {
  let url: URL;
  try {
    url = new URL(address.trim());
  } catch {
    return null;
  }
  const protocol = { 'ws:': 'http:', 'wss:': 'https:', 'http:': 'http:', 'https:': 'https:' }[url.protocol];
  if (!protocol || url.username || url.password) return null;
  return `${protocol}//${url.host}`;
}
