/**
 * Which tab of this browser hosts a game: a teacher who opens the host link
 * in a second window (to put it on the projector) should not silently take
 * the game away from the first. The hosting tab answers on a
 * BroadcastChannel named after the game's code (tabs of one browser profile
 * share it, as they share the stored host secret); a new tab asks first and,
 * when a live host answers, opens as a read-only projector view instead.
 */
const channelName = (code: string) => `gradient-rally:host:${code}`;

/** How long a new tab waits for a hosting tab to answer (same browser, same machine: a few milliseconds in practice). */
const ANSWER_WAIT_MS = 300;

/** Held by the tab that hosts `code`; answers "who hosts?" until released. */
export class HostPresence {
  private readonly channel: BroadcastChannel | undefined;

  constructor(code: string) {
    this.channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(channelName(code)) : undefined;
    this.channel?.addEventListener('message', (e: MessageEvent) => {
      if (e.data === 'who-hosts') this.channel?.postMessage('i-host');
    });
  }

  release(): void {
    this.channel?.close();
  }

  /** Whether another tab of this browser hosts `code` right now. */
  static async elsewhere(code: string): Promise<boolean> {
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
