/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Game server the page talks to when it is not the page's own host (ws(s):// or http(s)://). */
  readonly VITE_SERVER_URL?: string;
  /** Comma-separated game servers a `?server=` link may name, besides the page's own origin and VITE_SERVER_URL. */
  readonly VITE_ALLOWED_SERVERS?: string;
}
