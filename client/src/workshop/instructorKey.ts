/**
 * This browser's instructor key for one game server: the secret that owns a
 * landscape library there, without an account. Made once with the browser's
 * cryptographic random source (256 bits, 43 base64url characters) and kept in
 * localStorage under the server's origin, so a key is only ever sent to the
 * server it was made for — the one `chooseServer` picked for this page (its
 * own origin, or an allowed server), never an address from a link. It travels
 * only in an `Authorization` header, never in a URL.
 *
 * Clearing the browser's storage loses the key (and with it the way to the
 * library): "Export library" keeps the entries in a file to import elsewhere.
 */
export interface KeyStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const KEY_SHAPE = /^[A-Za-z0-9_-]{32,64}$/;

export function instructorKeyName(serverOrigin: string): string {
  return `gradient-rally:instructor-key:${serverOrigin}`;
}

/** The key for `serverOrigin` (`http(s)://host:port`), made and stored on first use. */
export function instructorKey(serverOrigin: string, storage: KeyStorage = localStorage, random: Crypto = crypto): string {
  const name = instructorKeyName(serverOrigin);
  const stored = storage.getItem(name);
  if (stored && KEY_SHAPE.test(stored)) return stored;
  const bytes = random.getRandomValues(new Uint8Array(32));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  const key = btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  storage.setItem(name, key);
  return key;
}
