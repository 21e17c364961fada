/**
 * A small typed event bus: the one channel between the DOM overlay and the
 * Phaser scenes. Event names and payload types live in one map (`AppEvents`),
 * so a typo in a name or a wrong payload is a compile error.
 *
 * @example
 *   const bus = new EventBus<AppEvents>();
 *   const off = bus.on('arena-clicked', ({ x, y }) => …);
 *   bus.emit('arena-clicked', { x: 1, y: 2 });
 *   off();
 */
export class EventBus<Events extends object> {
  private readonly handlers = new Map<keyof Events, Set<(payload: never) => void>>();

  on<K extends keyof Events>(name: K, handler: (payload: Events[K]) => void): () => void {
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    set.add(handler as (payload: never) => void);
    return () => set.delete(handler as (payload: never) => void);
  }

  emit<K extends keyof Events>(name: K, payload: Events[K]): void {
    const set = this.handlers.get(name);
    if (!set) return;
    // Copy first, so a handler that unsubscribes itself does not skip the next one.
    for (const h of [...set]) (h as (p: Events[K]) => void)(payload);
  }
}
