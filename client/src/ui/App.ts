import { ArenaStage } from '../arena/ArenaStage';
import { bus, type Route } from '../events/AppEvents';
import { chooseServer } from '../net/serverUrl';
import { field, h } from './elements';
import type { ConnectionBadge, Mode, ProjectorMode, ScreenShell } from './ScreenShell';

export type { Mode };

/**
 * The overlay's router: picks the screen from the URL and swaps the panels.
 * URLs: `/` landing, `/?join=CODE` join form with the code filled in,
 * `/?play=CODE` a player's seat (a reload rejoins with the stored token),
 * `/?host=CODE` the host's dashboard (rejoins with the stored host secret;
 * a second tab of the hosting browser opens as its projector view),
 * `/?host=CODE&watch` that projector view,
 * `/?solo` the sandbox, `/?challenges` the list of guided challenges,
 * `/?challenge=ID` one challenge (both may carry a shared setup and `hide=`, see share/setupLink.ts), `/?library=ID` a terrain another instructor shared.
 *
 * Screens see it only as a `ScreenShell` (slots, status setters, address) and
 * reach other screens through the bus's `navigate` event.
 */
export class App implements ScreenShell {
  private readonly layout: HTMLElement;
  readonly screen: HTMLElement;
  readonly side: HTMLElement;
  readonly overlay: HTMLElement;
  private readonly hint: HTMLElement;
  private readonly phase: HTMLElement;
  private readonly connection: HTMLElement;
  private stage: ArenaStage | undefined;
  /** Fixed at load: the address bar changes later, the server does not. A `?server=` naming a server that is not allowed is ignored. */
  private readonly server = chooseServer(location, import.meta.env.VITE_SERVER_URL, import.meta.env.VITE_ALLOWED_SERVERS);
  readonly wsUrl = this.server.wsUrl;
  /** `?server=` is carried into every address this app writes, so a reload keeps it. */
  private readonly serverParam = this.server.param;
  private teardown: (() => void) | undefined;

  constructor(private readonly doc: Document) {
    const $ = (id: string) => doc.getElementById(id)!;
    this.layout = $('layout');
    this.screen = $('screen');
    this.side = $('side');
    this.overlay = $('stage-overlay');
    this.hint = $('arena-hint');
    this.phase = $('phase');
    this.connection = $('connection');
    bus.on('navigate', (route) => this.go(route));
  }

  /** Shows the screen a route names (what `navigate` on the bus does). */
  go(route: Route): void {
    switch (route.to) {
      case 'landing':
        return this.showLanding();
      case 'join':
        return this.showJoin(route.code, route.message);
      case 'host':
        return void this.showHost(route.code, route.as);
      case 'player':
        return void this.showPlayer(route.code, route.name);
      case 'solo':
        return void this.showSolo();
      case 'challenges':
        return void this.showChallenges();
      case 'challenge':
        return void this.showChallenge(route.id);
    }
  }

  setHint(text: string): void {
    this.hint.textContent = text;
  }

  setPhase(text: string): void {
    this.phase.textContent = text;
  }

  setConnection(state: ConnectionBadge, text = ''): void {
    this.connection.dataset.state = state;
    this.connection.textContent = text;
  }

  setLayout(mode: Mode): void {
    this.layout.dataset.mode = mode;
  }

  setProjector(mode: ProjectorMode): void {
    this.doc.body.dataset.projector = mode;
  }

  arena(): ArenaStage {
    const $ = (id: string) => this.doc.getElementById(id)!;
    return (this.stage ??= new ArenaStage($('arena'), $('legend'), $('view-tools')));
  }

  route(url: URL): void {
    const q = url.searchParams;
    if (q.get('bench') === 'racers') return void this.showBench(Number(q.get('n') ?? 40));
    // A solo or challenge address is also a setup to open (share/setupLink.ts reads the rest of the query).
    if (q.has('solo')) return void this.showSolo(url.search);
    if (q.has('challenge')) return void this.showChallenge(q.get('challenge') ?? '', url.search);
    if (q.has('challenges')) return void this.showChallenges();
    if (q.get('play')) return void this.showPlayer(q.get('play')!, undefined);
    if (q.get('host')) return void this.showHost(q.get('host')!, q.has('watch') ? 'watch' : undefined);
    if (q.get('library')) return void this.showSharedTerrain(q.get('library')!);
    if (q.has('join')) return this.showJoin(q.get('join') ?? '');
    this.showLanding();
  }

  enter(mode: Mode, path: string): void {
    this.teardown?.();
    this.teardown = undefined;
    this.layout.dataset.mode = mode;
    this.screen.replaceChildren();
    this.side.replaceChildren();
    this.overlay.replaceChildren();
    this.setProjector('off');
    this.hint.textContent = '';
    this.phase.textContent = '';
    this.setPath(path);
  }

  /** Changes the address bar only (e.g. once the room's code is known). */
  setPath(path: string): void {
    if (this.serverParam) path += `${path.includes('?') ? '&' : '?'}server=${encodeURIComponent(this.serverParam)}`;
    if (location.pathname + location.search !== path) history.replaceState(null, '', path);
  }

  onLeave(fn: () => void): void {
    this.teardown = fn;
  }

  showLanding(): void {
    this.enter('landing', '/');
    this.screen.append(
      h(
        'div',
        { class: 'card' },
        h('h1', {}, 'Gradient Rally'),
        h('p', {}, 'Tune an optimizer and race it across a loss landscape. Who finds the flattest valley?'),
        h(
          'div',
          { class: 'landing-choices' },
          h('button', { type: 'button', class: 'primary', onclick: () => void this.showHost() }, 'Host a game'),
          h('button', { type: 'button', onclick: () => this.showJoin('') }, 'Join a game'),
          h('button', { type: 'button', onclick: () => void this.showSolo() }, 'Play solo'),
          h('button', { type: 'button', onclick: () => void this.showChallenges() }, 'Challenges'),
        ),
        h(
          'p',
          { class: 'note' },
          'Host: for instructors, projects a join code. Join: for students, with the code and a nickname. Solo: a sandbox, no server needed. Challenges: goals to win, one idea at a time.',
        ),
      ),
    );
  }

  showJoin(code: string, message?: string): void {
    this.enter('join', code ? `/?join=${encodeURIComponent(code)}` : '/?join');
    const codeInput = h('input', {
      type: 'text',
      value: code.toUpperCase(),
      autocomplete: 'off',
      autocapitalize: 'characters',
      spellcheck: false,
      maxlength: 12,
    });
    const nameInput = h('input', {
      type: 'text',
      autocomplete: 'nickname',
      maxlength: 30,
      value: localStorage.getItem('gradient-rally:name') ?? '',
    });
    const error = h('p', { class: 'error', role: 'alert' }, message ?? '');
    const joinButton = h('button', { type: 'submit', class: 'primary' }, 'Join');
    const form = h(
      'form',
      {
        onsubmit: async (e: Event) => {
          e.preventDefault();
          // Loaded on submit: the parsers pull in shared's protocol module (and zod), which the landing page does not need.
          const { parseJoinCode, parseNickname } = await import('../input/joinCode');
          const c = parseJoinCode(codeInput.value);
          if (!c.ok) return void (error.textContent = c.message);
          const n = parseNickname(nameInput.value);
          if (!n.ok) return void (error.textContent = n.message);
          localStorage.setItem('gradient-rally:name', n.value);
          error.textContent = 'Joining…';
          joinButton.disabled = true;
          void this.showPlayer(c.value, n.value).finally(() => (joinButton.disabled = false));
        },
      },
      field('Join code', codeInput),
      field('Nickname', nameInput),
      h('p', { class: 'note' }, 'Leave the nickname empty and the game picks a friendly one.'),
      joinButton,
      error,
    );
    this.screen.append(h('div', { class: 'card' }, h('h1', {}, 'Join a game'), form));
    (code ? nameInput : codeInput).focus();
    // A student here is about to play: fetch the seat and the arena (Phaser, terrain worker) while they type.
    void import('../room/PlayerView');
    this.arena();
  }

  /** Solo; `search` is a shared setup's query (`?solo&terrain=…&lr=…&hide=…`), read once here. */
  async showSolo(search = ''): Promise<void> {
    this.enter('solo', '/?solo');
    const { SoloView } = await import('../solo/SoloView');
    const view = new SoloView(this, search);
    this.onLeave(() => view.destroy());
  }

  /** The guided challenges, in order, with this browser's progress. */
  async showChallenges(): Promise<void> {
    this.enter('landing', '/?challenges');
    const { showChallengeList } = await import('../challenges/ChallengeList');
    showChallengeList(this);
  }

  /** One challenge (an unknown id shows the list with a message); `search` may carry a starting setup and `hide=`. */
  async showChallenge(id: string, search = ''): Promise<void> {
    this.enter('solo', `/?challenge=${encodeURIComponent(id)}`);
    const { ChallengeView } = await import('../challenges/ChallengeView');
    const view = ChallengeView.open(this, id, search);
    if (view) this.onLeave(() => view.destroy());
  }

  /** The FPS bench page (see test/bench/client.bench.ts). */
  async showBench(n: number): Promise<void> {
    this.layout.dataset.mode = 'solo';
    const { runRacerBench } = await import('../bench/RacerBench');
    await runRacerBench(this.arena(), Number.isFinite(n) ? Math.min(200, Math.max(1, n)) : 40);
  }

  /** Hosts a new game, or rejoins one (`as`: take over as host, or watch as a projector; by default a second tab watches). */
  async showHost(code?: string, as?: 'host' | 'watch'): Promise<void> {
    const { HostDashboard } = await import('../room/HostDashboard');
    this.enter('host', code ? `/?host=${code}` : '/?host=new');
    const view = new HostDashboard(this, code, as);
    this.onLeave(() => view.destroy());
    await view.start();
  }

  /** A terrain another instructor shared (`/?library=<shareId>`), to copy into this browser's library. */
  async showSharedTerrain(shareId: string): Promise<void> {
    const { SharedTerrainView } = await import('../workshop/SharedTerrainView');
    const view = new SharedTerrainView(this, shareId);
    await view.start();
    this.onLeave(() => view.destroy());
  }

  /** Joins (name given) or rejoins (stored token) a room as a player. */
  async showPlayer(code: string, name: string | undefined): Promise<void> {
    const { PlayerView } = await import('../room/PlayerView');
    const view = new PlayerView(this, code);
    const ok = await view.start(name);
    if (!ok) return;
    this.onLeave(() => view.destroy());
  }
}
