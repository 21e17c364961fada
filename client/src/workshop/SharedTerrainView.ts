import { describeOptimizer, SCORING_CHOICE_LABELS, terrainTitle, type LibraryEntry } from '@gradient-rally/shared';
import { bus } from '../events/AppEvents';
import { httpBase } from '../net/serverUrl';
import { h } from '../ui/elements';
import type { ScreenShell } from '../ui/ScreenShell';
import { instructorKey } from './instructorKey';
import { LibraryClient, LibraryError } from './LibraryClient';
import type { PreviewJob, PreviewResult } from './previewJob';
import { WorkerJobs } from './WorkerJobs';
import './workshop.css';

/**
 * `/?library=<shareId>`: a terrain another instructor shared, read-only —
 * its title, their note, the terrain and its suggested round, previewed in a
 * worker — with "Copy to my library", which saves a copy under this
 * browser's own instructor key (the original stays theirs and unchanged).
 */
export class SharedTerrainView {
  private readonly jobs = new WorkerJobs<PreviewJob, PreviewResult>(
    () => new Worker(new URL('./preview.worker.ts', import.meta.url), { type: 'module' }),
  );

  constructor(
    private readonly shell: ScreenShell,
    private readonly shareId: string,
  ) {}

  async start(): Promise<void> {
    this.shell.enter('join', `/?library=${encodeURIComponent(this.shareId)}`);
    const card = h('div', { class: 'card' }, h('h1', {}, 'A shared terrain'), h('p', { class: 'note', role: 'status' }, 'Loading…'));
    this.shell.screen.append(card);
    const base = httpBase(this.shell.wsUrl);
    let entry: LibraryEntry;
    try {
      entry = await LibraryClient.shared(base, this.shareId);
    } catch (e) {
      card.replaceChildren(
        h('h1', {}, 'A shared terrain'),
        h(
          'p',
          { class: 'error', role: 'alert' },
          e instanceof LibraryError && e.status === 404
            ? 'This link reads nothing: the terrain was unshared or deleted by its owner.'
            : `The terrain could not be loaded: ${e instanceof Error ? e.message : String(e)}`,
        ),
      );
      return;
    }
    const s = entry.preset.settings as Record<string, unknown>;
    const canvas = h('canvas', { width: 240, height: 240, role: 'img', 'aria-label': 'Preview of the shared terrain' });
    const status = h('p', { class: 'note', role: 'status' });
    const error = h('p', { class: 'error', role: 'alert' });
    const copy = h('button', { type: 'button', class: 'primary' }, 'Copy to my library');
    const after = h('div', { class: 'buttons' });
    copy.addEventListener('click', async () => {
      copy.disabled = true;
      try {
        const mine = await new LibraryClient(base, instructorKey(base)).create(entry);
        status.textContent = `Copied: “${mine.title}” is in your library now. The original stays its owner’s.`;
        error.textContent = '';
        after.replaceChildren(
          h('button', { type: 'button', onclick: () => bus.emit('navigate', { to: 'host' }) }, 'Open the host dashboard'),
        );
      } catch (e) {
        error.textContent = e instanceof Error ? e.message : String(e);
        copy.disabled = false;
      }
    });
    const scoring = (s.scoring as { kind?: string } | undefined)?.kind;
    card.replaceChildren(
      h('p', { class: 'note' }, 'A terrain another instructor shared (read-only)'),
      h('h1', {}, entry.title),
      h(
        'section',
        { class: 'panel instructor-note' },
        h('p', { class: 'note-kind' }, 'The instructor’s note'),
        h('p', { class: 'note-text' }, entry.lesson || '(no note)'),
      ),
      h('figure', { class: 'workshop-figure' }, canvas, h('figcaption', { class: 'note' }, terrainTitle(entry.terrain))),
      h(
        'ul',
        { class: 'note', 'aria-label': 'The round it suggests' },
        typeof s.roundSeconds === 'number' ? h('li', {}, `Rounds of ${s.roundSeconds} s`) : null,
        scoring ? h('li', {}, `Winner: ${SCORING_CHOICE_LABELS[scoring] ?? scoring}`) : null,
        s.defaultOptimizer ? h('li', {}, `Players start with ${describeOptimizer(s.defaultOptimizer as { kind: string })}`) : null,
        ...entry.preset.contrast.map((c) => h('li', {}, `Try: ${c.label}`)),
      ),
      h('div', { class: 'buttons' }, copy),
      status,
      error,
      after,
    );
    const drawn = h('p', { class: 'note' }, 'Drawing the terrain…');
    canvas.after(drawn);
    const r = await this.jobs.run({ entry });
    drawn.remove();
    if (r?.ok) {
      const tmp = document.createElement('canvas');
      tmp.width = tmp.height = r.terrain.n;
      tmp.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(r.terrain.rgba), r.terrain.n, r.terrain.n), 0, 0);
      canvas.getContext('2d')!.drawImage(tmp, 0, 0, canvas.width, canvas.height);
    } else if (r) error.textContent = `This terrain no longer passes this server’s checks: ${r.message}`;
  }

  destroy(): void {
    this.jobs.dispose();
  }
}
