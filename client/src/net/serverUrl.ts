/**
 * Which game server this page talks to, and so where a stored host secret or
 * player token may ever be sent.
 *
 * Order: `?server=` when it names an allowed server, then the build-time
 * `VITE_SERVER_URL`, then the page's own host (the server serves the client on
 * its game port). A `?server=` naming anything else is ignored: a link such as
 * `/?host=CODE&server=http://elsewhere` would otherwise hand the host secret
 * stored for CODE to `elsewhere`.
 *
 * Allowed: the page's own origin, `VITE_SERVER_URL`, and the comma-separated
 * `VITE_ALLOWED_SERVERS` fixed at build. (The server's CSP `connect-src` lists
 * the same addresses, from its `ALLOWED_SERVERS`, as a second lock.)
 */
export interface PageLocation {
  protocol: string;
  host: string;
  search: string;
}

export interface ServerChoice {
  /** WebSocket URL of the game server. */
  wsUrl: string;
  /** The `?server=` value in force (to carry into addresses the app writes), or null when absent or refused. */
  param: string | null;
}

export function chooseServer(location: PageLocation, buildTime?: string, allowedList?: string): ServerChoice {
  const own = `${location.protocol}//${location.host}`;
  const param = new URLSearchParams(location.search).get('server');
  const allowed = new Set(
    [own, buildTime ?? '', ...(allowedList ?? '').split(',')].map((a) => httpOrigin(a.trim())).filter((o): o is string => o !== null),
  );
  if (param) {
    const origin = httpOrigin(param);
    if (origin && allowed.has(origin)) return { wsUrl: toWs(param), param };
  }
  if (buildTime) return { wsUrl: toWs(buildTime), param: null };
  return { wsUrl: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`, param: null };
}

/** The game server's WebSocket URL (see `chooseServer`). */
export function serverUrl(location: PageLocation, buildTime?: string, allowedList?: string): string {
  return chooseServer(location, buildTime, allowedList).wsUrl;
}

/** HTTP base URL matching a WebSocket URL (for the server's small JSON API). */
export function httpBase(wsUrl: string): string {
  return wsUrl.replace(/^ws/, 'http').replace(/\/$/, '');
}

/**
 * `http(s)://host[:port]` of an address given as ws(s):// or http(s)://, or
 * null when it is not one (or carries a user name or password).
 */
export function httpOrigin(address: string): string | null {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return null;
  }
  const protocol = ({ 'ws:': 'http:', 'wss:': 'https:', 'http:': 'http:', 'https:': 'https:' } as Record<string, string>)[url.protocol];
  if (!protocol || url.username || url.password) return null;
  return `${protocol}//${url.host}`;
}

function toWs(address: string): string {
  return address.replace(/^http/, 'ws');
}
