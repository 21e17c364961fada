import { h, uid } from './elements';

/**
 * The screen sizes where a sidebar's panels become tabs: phones in portrait
 * (the panels sit under the arena) and in landscape (a narrow column beside
 * it). Keep it equal to the compact media queries in `styles.css`.
 */
export const COMPACT_LAYOUT_QUERY = '(max-width: 760px), (max-height: 520px) and (orientation: landscape)';

export interface TabSpec {
  id: string;
  /** The tab's name ("Knobs", "Leaderboard"). */
  label: string;
  content: HTMLElement[];
  /** Left out of the tab bar (and its panel hidden) until shown with `setAvailable`. */
  unavailable?: boolean;
  /** Position in the tab bar when it differs from the panels' order (which is the wide screen's order). */
  tabOrder?: number;
}

/**
 * Panels that are tabs where space is short: on a phone one panel shows at a
 * time under a bar of tabs within the thumb's reach (`COMPACT_LAYOUT_QUERY`);
 * on a wider screen every panel shows, one under the other, and the tab bar
 * is hidden — unless `always` is set (the host's three settings steps are
 * tabs everywhere). Tabs follow the WAI-ARIA tabs pattern (arrow keys move
 * between them).
 *
 * @example
 *   const tabs = new PanelTabs([{ id: 'knobs', label: 'Knobs', content: [knobs] }, …], 'knobs');
 *   side.append(tabs.element);
 *   tabs.select('results');
 */
export class PanelTabs {
  readonly element: HTMLElement;
  private readonly tablist: HTMLElement;
  private readonly tabs = new Map<string, { button: HTMLButtonElement; panel: HTMLElement; available: boolean }>();
  private selected: string;
  private readonly media: MediaQueryList | undefined;
  private readonly onMedia = () => this.apply();
  /** Called after the selected tab changes (by a tap or by `select`). */
  onSelect: (id: string) => void = () => {};

  constructor(
    specs: readonly TabSpec[],
    initial: string,
    private readonly options: { label: string; always?: boolean; className?: string },
  ) {
    this.selected = initial;
    this.tablist = h('div', { role: 'tablist', 'aria-label': options.label, class: 'tablist' });
    const panels = h('div', { class: 'tab-panels' });
    for (const spec of specs) {
      const tabId = uid('tab');
      const panel = h('div', { class: 'tab-panel', id: uid('tabpanel'), 'data-tab': spec.id }, ...spec.content);
      const button = h(
        'button',
        {
          type: 'button',
          id: tabId,
          class: 'tab',
          'data-tab': spec.id,
          'aria-controls': panel.id,
          onclick: () => this.select(spec.id),
          onkeydown: (e: KeyboardEvent) => this.onKey(e, spec.id),
        },
        spec.label,
      );
      if (spec.tabOrder !== undefined) button.style.order = String(spec.tabOrder);
      this.tablist.append(button);
      panels.append(panel);
      this.tabs.set(spec.id, { button, panel, available: !spec.unavailable });
    }
    this.element = h(
      'div',
      { class: `tabs${options.always ? ' tabs-always' : ''} ${options.className ?? ''}`.trim() },
      this.tablist,
      panels,
    );
    if (!options.always && typeof matchMedia === 'function') {
      this.media = matchMedia(COMPACT_LAYOUT_QUERY);
      this.media.addEventListener('change', this.onMedia);
    }
    this.apply();
  }

  /** Whether the panels are tabs right now (a phone, or `always`). */
  get tabbed(): boolean {
    return !!this.options.always || !!this.media?.matches;
  }

  get current(): string {
    return this.selected;
  }

  select(id: string): void {
    const tab = this.tabs.get(id);
    if (!tab?.available) return;
    const changed = id !== this.selected;
    this.selected = id;
    this.apply();
    if (changed) this.onSelect(id);
  }

  /** Shows or leaves out a tab (e.g. "Results" once there are some); leaving out the selected one selects the first. */
  setAvailable(id: string, available: boolean): void {
    const tab = this.tabs.get(id);
    if (!tab || tab.available === available) return;
    tab.available = available;
    if (!available && this.selected === id) this.selected = [...this.tabs].find(([, t]) => t.available)?.[0] ?? id;
    this.apply();
  }

  /** The panel of a tab (to add content later). */
  panel(id: string): HTMLElement | undefined {
    return this.tabs.get(id)?.panel;
  }

  /** Which tab a node sits in, if any. */
  tabOf(node: Node): string | undefined {
    for (const [id, t] of this.tabs) if (t.panel.contains(node)) return id;
    return undefined;
  }

  destroy(): void {
    this.media?.removeEventListener('change', this.onMedia);
  }

  private apply(): void {
    const tabbed = this.tabbed;
    this.tablist.hidden = !tabbed;
    for (const [id, t] of this.tabs) {
      const on = id === this.selected;
      t.button.hidden = !t.available;
      t.button.setAttribute('role', 'tab');
      t.button.setAttribute('aria-selected', String(on));
      t.button.tabIndex = on ? 0 : -1;
      t.panel.hidden = !t.available || (tabbed && !on);
      if (tabbed) {
        t.panel.setAttribute('role', 'tabpanel');
        t.panel.setAttribute('aria-labelledby', t.button.id);
        // Focusable, as the tabs pattern has it: a panel of text only (the lesson) scrolls, and the keyboard must reach it.
        t.panel.tabIndex = 0;
      } else {
        // Every panel shows: plain sections, not tab panels of a hidden tab bar.
        t.panel.removeAttribute('role');
        t.panel.removeAttribute('aria-labelledby');
        t.panel.removeAttribute('tabindex');
      }
    }
  }

  private onKey(e: KeyboardEvent, id: string): void {
    // In the order the bar shows them.
    const ids = [...this.tabs]
      .filter(([, t]) => t.available)
      .sort(([, a], [, b]) => Number(a.button.style.order || 0) - Number(b.button.style.order || 0))
      .map(([k]) => k);
    const i = ids.indexOf(id);
    const next =
      e.key === 'ArrowRight' ? ids[(i + 1) % ids.length] : e.key === 'ArrowLeft' ? ids[(i - 1 + ids.length) % ids.length] : undefined;
    if (e.key === 'Home' || e.key === 'End' || next) {
      e.preventDefault();
      const target = e.key === 'Home' ? ids[0] : e.key === 'End' ? ids[ids.length - 1] : next!;
      this.select(target);
      this.tabs.get(target)?.button.focus();
    }
  }
}
