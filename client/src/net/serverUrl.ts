/**
 * The game server's WebSocket URL: `?server=` wins (handy in class when the
 * page is served elsewhere), then the build-time `VITE_SERVER_URL`, then the
 * page's own host (the server serves the client on its game port).
 */
export function serverUrl(location: { protocol: string; host: string; search: string }, buildTime?: string): string {
  const param = new URLSearchParams(location.search).get('server');
  const chosen = param || buildTime;
  if (chosen) return chosen.replace(/^http/, 'ws');
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
}

/** HTTP base URL matching a WebSocket URL (for the server's small JSON API). */
export function httpBase(wsUrl: string): string {
  return wsUrl.replace(/^ws/, 'http').replace(/\/$/, '');
}
