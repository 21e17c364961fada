import { challengeCatalogue, IDEAS } from '@gradient-rally/shared';
import { bus } from '../events/AppEvents';
import { h } from '../ui/elements';
import type { ScreenShell } from '../ui/ScreenShell';
import { loadProgress, starsText } from './challengeProgress';
import { playableInBrowser } from './challengeSetup';
import './challenges.css';

/**
 * The guided challenges in order (each builds on the last), with the stars
 * this browser has earned on each; any can be opened directly. Network
 * challenges are listed but not yet playable here (see `playableInBrowser`).
 */
export function showChallengeList(shell: ScreenShell): void {
  const all = challengeCatalogue();
  const progress = loadProgress(all.map((c) => c.id));
  const playable = all.filter(playableInBrowser);
  const passed = playable.filter((c) => progress[c.id]).length;
  const items = all.map((c, i) => {
    const p = progress[c.id];
    const open = () => bus.emit('navigate', { to: 'challenge', id: c.id });
    const ok = playableInBrowser(c);
    return h(
      'li',
      { class: `challenge-item${p ? ' passed' : ''}${ok ? '' : ' later'}` },
      h('span', { class: 'challenge-number', 'aria-hidden': 'true' }, String(i + 1)),
      h(
        'div',
        { class: 'challenge-text' },
        ok
          ? h(
              'a',
              {
                href: `/?challenge=${encodeURIComponent(c.id)}`,
                onclick: (e: Event) => {
                  e.preventDefault();
                  open();
                },
              },
              c.title,
            )
          : h('span', { class: 'challenge-title' }, c.title),
        h('span', { class: 'note' }, ok ? c.ideas.map((id) => IDEAS[id]).join(' · ') : 'Needs the network views: not playable here yet.'),
      ),
      h(
        'span',
        { class: 'challenge-stars', 'aria-label': p ? `Passed, ${p.stars} of 3 stars` : ok ? 'Not passed yet' : 'Not playable yet' },
        p ? starsText(p.stars) : '',
      ),
    );
  });
  shell.setPhase('Challenges');
  shell.screen.append(
    h(
      'div',
      { class: 'card challenge-list-card' },
      h('h1', {}, 'Challenges'),
      h(
        'p',
        {},
        'Each challenge sets a goal on a terrain: win it by choosing the optimizer’s knobs. They build on each other, so start at the top; any can be opened directly. Progress is kept in this browser.',
      ),
      h('p', { class: 'note', role: 'status' }, `Passed ${passed} of ${playable.length} playable challenges.`),
      h('ol', { class: 'challenge-list', 'aria-label': 'Challenges' }, ...items),
      h(
        'p',
        {},
        h(
          'a',
          {
            href: '/',
            onclick: (e: Event) => {
              e.preventDefault();
              bus.emit('navigate', { to: 'landing' });
            },
          },
          'Back to the start',
        ),
      ),
    ),
  );
}
