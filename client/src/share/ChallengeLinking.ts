import { formatNumber, knobApplies, knobLabel, type Challenge, type KnobName, type KnobValues } from '@gradient-rally/shared';
import { h } from '../ui/elements';
import type { ScreenShell } from '../ui/ScreenShell';
import {
  decodeChallengeLink,
  encodeChallengeLink,
  fixedByLinkText,
  linkProblemsText,
  pinHiddenKnobs,
  type ChallengeLink,
  type LinkControl,
} from './setupLink';
import { ShareLinkPanel } from './ShareLinkPanel';

/** The address bar follows the setup this long after the last change. */
const ADDRESS_DELAY_MS = 300;

/**
 * A challenge screen's link (`/?challenge=ID&lr=…&hide=…`): the setup the
 * link opens with (checked against the challenge's own controls and ranges),
 * the notice naming what it could not use and what it fixes, the address bar
 * following the student's setup, and the share panel. `ChallengeView` keeps
 * only a small hook to it (other screens' work edits that file too).
 */
export class ChallengeLinking {
  /** The setup the link opens with (the challenge's own where it says nothing). */
  readonly opened: ChallengeLink;
  readonly notice = h('div', { class: 'link-notice' });
  readonly share: ShareLinkPanel;
  private current: ChallengeLink;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly shell: ScreenShell,
    private readonly ch: Challenge,
    search: string,
  ) {
    const { link, problems } = decodeChallengeLink(ch, search);
    this.opened = link;
    this.current = link;
    this.share = new ShareLinkPanel((extra) => this.url(extra));
    const fixed = fixedByLinkText(link.hidden, link.knobs, undefined, formatNumber);
    const problemText = linkProblemsText(problems);
    this.notice.replaceChildren(
      ...(problemText ? [h('p', { class: 'error', role: 'alert' }, problemText)] : []),
      ...(fixed ? [h('p', { class: 'note link-fixed' }, 'Some controls are fixed by this link: ', fixed, '.')] : []),
    );
    this.notice.hidden = !problemText && !fixed;
  }

  /** Whether the link hides a control. */
  hides(c: LinkControl): boolean {
    return this.opened.hidden.includes(c);
  }

  /** The knobs panel's share of the hidden controls. */
  get hiddenKnobs(): (KnobName | 'optimizer')[] {
    return this.opened.hidden.filter((c): c is KnobName | 'optimizer' => c !== 'terrain' && c !== 'start');
  }

  /**
   * The student changed the setup (a knob, a start, a hint's setting): returns the knobs with the link's
   * hidden ones kept at the link's values (so the line saying they are fixed stays true); the address bar
   * follows, and the share panel offers what is on screen.
   */
  follow(turned: KnobValues, start: [number, number] | undefined): KnobValues {
    const knobs = pinHiddenKnobs(turned, this.opened.knobs, this.opened.hidden);
    this.current = { knobs, hidden: this.opened.hidden, ...(start ? { start } : {}) };
    const c = this.ch.controls;
    const offered: { control: LinkControl; label: string }[] = [
      ...(c.start ? [{ control: 'start' as const, label: 'Start' }] : []),
      ...(c.optimizers.length > 1 ? [{ control: 'optimizer' as const, label: 'Optimizer' }] : []),
      ...c.knobs
        .filter((k) => k === 'schedule' || knobApplies(knobs.kind, k))
        .map((k) => ({ control: k, label: k === 'schedule' ? 'Schedule' : knobLabel(knobs.kind, k) })),
    ];
    this.share.setControls(offered.filter((o) => !this.hides(o.control)));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.writeAddress(), ADDRESS_DELAY_MS);
    return knobs;
  }

  private query(extra: readonly LinkControl[]): string {
    try {
      return encodeChallengeLink(this.ch, { ...this.current, hidden: [...new Set([...this.current.hidden, ...extra])] });
    } catch {
      return `challenge=${encodeURIComponent(this.ch.id)}`;
    }
  }

  private writeAddress(): void {
    clearTimeout(this.timer);
    this.shell.setPath(`/?${this.query([])}`);
  }

  private url(extra: readonly LinkControl[]): string {
    this.writeAddress();
    const url = new URL(location.href);
    const server = url.searchParams.get('server');
    url.search = `?${this.query(extra)}${server ? `&server=${encodeURIComponent(server)}` : ''}`;
    url.hash = '';
    return url.href;
  }

  destroy(): void {
    clearTimeout(this.timer);
  }
}
