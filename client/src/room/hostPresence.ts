/**
 * Which tab of this browser hosts a game: a teacher who opens the host link
 * in a second window (to put it on the projector) should not silently take
 * the game away from the first.
 *
 * The hosting tab holds a Web Lock named after the game's code (tabs of one
 * browser profile share locks, as they share the stored host secret); a new
 * tab asks whether that lock is held and, when it is, opens as a read-only
 * projector view instead. A lock is released by the browser the moment its
 * tab closes or reloads, and asking never waits on the other tab's event
 * loop, so a busy or throttled hosting tab still counts.
 *
 * Web Locks exist only in secure contexts (https, or localhost). A classroom
 * server reached over plain http on the LAN falls back to a BroadcastChannel
 * question that the hosting tab answers, with a bounded wait.
 */
const channelName = (code: string) => `gradient-rally:host:${code}`;

/** How long a new tab waits for a hosting tab to answer on the BroadcastChannel fallback. */
const ANSWER_WAIT_MS = 600;

function locks(): LockManager | undefined {
  return typeof navigator !== 'undefined' && navigator.locks && typeof navigator.locks.query === 'function' ? navigator.locks : undefined;
}

/** Held by the tab that hosts `code`; answers "who hosts?" until released. */
export class HostPresence {
  private readonly channel: BroadcastChannel | undefined;
  private releaseLock: (() => void) | undefined;
  private released = false;

  constructor(code: string) {
    const manager = locks();
    if (manager) {
      // Queued if a tab we take over from still holds it; granted as soon as that tab lets go.
      void manager
        .request(channelName(code), () => (this.released ? undefined : new Promise<void>((resolve) => (this.releaseLock = resolve))))
        .catch(() => undefined);
    }
    this.channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(channelName(code)) : undefined;
    this.channel?.addEventListener('message', (e: MessageEvent) => {
      if (e.data === 'who-hosts') this.channel?.postMessage('i-host');
    });
  }

  release(): void {
    this.released = true;
    this.releaseLock?.();
    this.releaseLock = undefined;
    this.channel?.close();
  }

  /** Whether another tab of this browser hosts `code` right now. */
  static async elsewhere(code: string): Promise<boolean> {
    const manager = locks();
    if (manager) {
      const name = channelName(code);
      const { held = [], pending = [] } = await manager.query();
      return [...held, ...pending].some((l) => l.name === name);
    }
    if (typeof BroadcastChannel !== 'function') return false;
    const channel = new BroadcastChannel(channelName(code));
    try {
      return await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), ANSWER_WAIT_MS);
        channel.addEventListener('message', (e: MessageEvent) => {
          if (e.data !== 'i-host') return;
          clearTimeout(timer);
          resolve(true);
        });
        channel.postMessage('who-hosts');
      });
    } finally {
      channel.close();
    }
  }
}
