import { h } from '../ui/elements';
import type { LinkControl } from './setupLink';
import './share.css';

/** A control a link can hide, as the panel names it. */
export interface HideableControl<C extends string = LinkControl> {
  control: C;
  label: string;
}

/**
 * "Share this setup": a Copy link button (and Share link where the browser
 * has a share sheet, as phones do), a visible confirmation, the link itself
 * in a read-only box to copy by hand when the clipboard is refused, and
 * toggles that hide controls in the copied link only — how an instructor
 * hands out a pinned experiment. `linkOf(extraHidden)` returns the absolute
 * link of the setup as it stands, with those controls hidden too.
 */
export class ShareLinkPanel<C extends string = LinkControl> {
  readonly element: HTMLElement;
  private readonly status = h('p', { role: 'status', class: 'note share-status' });
  private readonly box = h('input', { type: 'text', readOnly: true, 'aria-label': 'Link to this setup', class: 'share-link' });
  private readonly toggles = h('div', { class: 'buttons share-hide', role: 'group', 'aria-label': 'Hide in the shared link' });
  private readonly pressed = new Set<C>();

  /** `about`: what the link carries, in a sentence (a challenge's link carries the challenge's own controls too). */
  constructor(
    private readonly linkOf: (extraHidden: readonly C[]) => string,
    private readonly about = 'The link opens this terrain, start, optimizer and knobs. The address bar follows them too.',
  ) {
    this.box.hidden = true;
    this.box.addEventListener('focus', () => this.box.select());
    const canShare = typeof navigator !== 'undefined' && typeof navigator.share === 'function';
    const buttons = h(
      'div',
      { class: 'buttons' },
      canShare ? h('button', { type: 'button', class: 'primary', onclick: () => void this.share() }, 'Share link') : null,
      h('button', { type: 'button', class: canShare ? '' : 'primary', onclick: () => void this.copy() }, 'Copy link'),
    );
    this.element = h(
      'section',
      { class: 'panel controls', 'aria-label': 'Share this setup' },
      h('h2', {}, 'Share this setup'),
      h('p', { class: 'note' }, this.about),
      h('p', { class: 'note' }, 'Hide in the link (for a pinned experiment, students will not see these):'),
      this.toggles,
      buttons,
      this.status,
      this.box,
    );
  }

  /** The controls offered for hiding (those the screen shows now); a pressed one that is no longer offered is let go. */
  setControls(list: readonly HideableControl<C>[]): void {
    for (const c of [...this.pressed]) if (!list.some((l) => l.control === c)) this.pressed.delete(c);
    this.toggles.replaceChildren(
      ...list.map(({ control, label }) => {
        const b = h('button', { type: 'button', class: 'toggle', 'aria-pressed': String(this.pressed.has(control)) }, label);
        b.addEventListener('click', () => {
          if (this.pressed.has(control)) this.pressed.delete(control);
          else this.pressed.add(control);
          b.setAttribute('aria-pressed', String(this.pressed.has(control)));
          this.box.hidden = true;
          this.status.textContent = '';
        });
        return b;
      }),
    );
  }

  private link(): string {
    const url = this.linkOf([...this.pressed]);
    this.box.value = url;
    return url;
  }

  private async share(): Promise<void> {
    const url = this.link();
    try {
      await navigator.share({ title: 'Gradient Rally setup', url });
      this.say('Shared.', false);
    } catch (e) {
      // The player closed the share sheet: nothing to say. Anything else: offer the link to copy.
      if (e instanceof DOMException && e.name === 'AbortError') return;
      this.say('This browser could not share it: copy the link below.', true);
    }
  }

  private async copy(): Promise<void> {
    const url = this.link();
    try {
      await navigator.clipboard.writeText(url);
      this.say(this.pressed.size ? 'Link copied, with the chosen controls hidden.' : 'Link copied.', true);
    } catch {
      this.say('This browser did not allow copying: select the link below and copy it.', true);
      this.box.focus();
    }
  }

  private say(text: string, showBox: boolean): void {
    this.status.textContent = text;
    this.box.hidden = !showBox;
  }
}
