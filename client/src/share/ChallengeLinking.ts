import {
  formatNumber,
  knobApplies,
  knobLabel,
  type Challenge,
  type KnobName,
  type KnobValues,
  type NetworkChoice,
} from '@gradient-rally/shared';
import type { ChallengeExtras } from '../challenges/challengeSetup';
import { h } from '../ui/elements';
import type { ScreenShell } from '../ui/ScreenShell';
import {
  CHALLENGE_EXTRA_CONTROLS,
  CHALLENGE_EXTRA_LABELS,
  challengeExtrasOf,
  decodeChallengeLink,
  encodeChallengeLink,
  fixedByChallengeLinkText,
  linkProblemsText,
  NETWORK_LINK_KEYS,
  offersControl,
  pinHiddenExtras,
  pinHiddenKnobs,
  type ChallengeControl,
  type ChallengeLink,
} from './setupLink';
import { ShareLinkPanel } from './ShareLinkPanel';

/** The address bar follows the setup this long after the last change. */
const ADDRESS_DELAY_MS = 300;

/**
 * A challenge screen's link (`/?challenge=ID&lr=…&activation=tanh&hide=…`): the setup the
 * link opens with (checked against the challenge's own controls and ranges),
 * the notice naming what it could not use and what it fixes, the address bar
 * following the student's setup (knobs, start and the challenge's own controls:
 * damping, the network's build, the race's space, the curve), and the share panel.
 * `ChallengeView` keeps only a small hook to it (other screens' work edits that file too).
 */
export class ChallengeLinking {
  /** The setup the link opens with (the challenge's own where it says nothing). */
  readonly opened: ChallengeLink;
  /** What the screen's controls besides the knobs open with. */
  readonly openedExtras: ChallengeExtras;
  readonly notice = h('div', { class: 'link-notice' });
  readonly share: ShareLinkPanel<ChallengeControl>;
  private current: ChallengeLink;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly shell: ScreenShell,
    private readonly ch: Challenge,
    search: string,
  ) {
    const { link, problems } = decodeChallengeLink(ch, search);
    this.opened = link;
    this.openedExtras = challengeExtrasOf(ch, link);
    this.current = link;
    this.share = new ShareLinkPanel<ChallengeControl>(
      (extra) => this.url(extra),
      'The link opens this challenge with its start, optimizer, knobs and the challenge’s own choices. The address bar follows them too.',
    );
    const fixed = fixedByChallengeLinkText(link, formatNumber);
    const problemText = linkProblemsText(problems);
    this.notice.replaceChildren(
      ...(problemText ? [h('p', { class: 'error', role: 'alert' }, problemText)] : []),
      ...(fixed ? [h('p', { class: 'note link-fixed' }, 'Some controls are fixed by this link: ', fixed, '.')] : []),
    );
    this.notice.hidden = !problemText && !fixed;
  }

  /** Whether the link hides a control. */
  hides(c: ChallengeControl): boolean {
    return this.opened.hidden.includes(c);
  }

  /** Whether the link hides the control of one of the network's choices. */
  hidesNetwork(key: keyof NetworkChoice): boolean {
    return this.hides(NETWORK_LINK_KEYS[key]);
  }

  /** The knobs panel's share of the hidden controls. */
  get hiddenKnobs(): (KnobName | 'optimizer')[] {
    return this.opened.hidden.filter(
      (c): c is KnobName | 'optimizer' => c !== 'terrain' && c !== 'start' && !(CHALLENGE_EXTRA_CONTROLS as readonly string[]).includes(c),
    );
  }

  /**
   * The student changed the setup (a knob, a start, a choice of the challenge's own, a hint's setting):
   * returns the knobs and extras with the link's hidden ones kept at the link's values (so the line saying
   * they are fixed stays true); the address bar follows, and the share panel offers what is on screen.
   */
  follow(turned: KnobValues, extras: ChallengeExtras): { knobs: KnobValues; extras: ChallengeExtras } {
    const knobs = pinHiddenKnobs(turned, this.opened.knobs, this.opened.hidden);
    const pinned = pinHiddenExtras(this.ch, extras, this.opened);
    this.current = {
      knobs,
      hidden: this.opened.hidden,
      ...(pinned.start ? { start: pinned.start } : {}),
      damping: pinned.damping,
      network: pinned.network,
      curve: pinned.curve,
    };
    const c = this.ch.controls;
    const offered: { control: ChallengeControl; label: string }[] = [
      ...(c.start ? [{ control: 'start' as const, label: 'Start' }] : []),
      ...(c.optimizers.length > 1 ? [{ control: 'optimizer' as const, label: 'Optimizer' }] : []),
      ...c.knobs
        .filter((k) => k === 'schedule' || knobApplies(knobs.kind, k))
        .map((k) => ({ control: k, label: k === 'schedule' ? 'Schedule' : knobLabel(knobs.kind, k) })),
      ...CHALLENGE_EXTRA_CONTROLS.filter((x) => offersControl(this.ch, x)).map((x) => ({ control: x, label: CHALLENGE_EXTRA_LABELS[x] })),
    ];
    this.share.setControls(offered.filter((o) => !this.hides(o.control)));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.writeAddress(), ADDRESS_DELAY_MS);
    return { knobs, extras: pinned };
  }

  private query(extra: readonly ChallengeControl[]): string {
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

  private url(extra: readonly ChallengeControl[]): string {
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
