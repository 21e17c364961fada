import { libraryFile, terrainTitle, type LibraryEntry, type StoredLibraryEntryWire } from '@gradient-rally/shared';
import { download, h } from '../ui/elements';
import type { EntryEditor } from './EntryEditor';
import { LibraryError, type LibraryClient } from './LibraryClient';

export interface LibraryPanelDeps {
  client: LibraryClient;
  editor: EntryEditor;
  /** Checks an entry in the preview worker (the optimizers it can carry), then uses it in the room; absent without a room. */
  use?(entry: LibraryEntry): Promise<void>;
  /** Where share links point (the page's own origin). */
  origin: string;
}

/**
 * The instructor's own terrains, in the dashboard's sidebar: every entry of
 * the library this browser's instructor key owns on the server, to use in the
 * room, edit, share (a read-only link another instructor can copy from) or
 * delete; new network or formula terrains open the builder (`EntryEditor`);
 * "Export library" saves every entry to a JSON file and "Import library" adds
 * a file's entries back (to a new browser, or another server).
 */
export class LandscapeLibraryPanel {
  readonly element = h('section', { class: 'panel controls host-only', 'aria-label': 'Your library' });
  private readonly list = h('ul', { class: 'library-list', 'aria-label': 'Library entries' });
  private readonly count = h('p', { class: 'note' });
  private readonly error = h('p', { class: 'error', role: 'alert' });
  private readonly status = h('p', { class: 'note', role: 'status' });
  private readonly fileInput = h('input', { type: 'file', accept: 'application/json,.json', class: 'visually-hidden' });
  private entries: StoredLibraryEntryWire[] = [];
  private limit = 0;
  private inUseKey = '';

  constructor(private readonly deps: LibraryPanelDeps) {
    const importButton = h('button', { type: 'button', onclick: () => this.fileInput.click() }, 'Import library');
    this.fileInput.setAttribute('aria-label', 'Library file to import');
    this.fileInput.hidden = true;
    this.fileInput.addEventListener('change', () => void this.importChosen());
    this.element.append(
      h('h2', {}, 'Your terrains'),
      h(
        'p',
        { class: 'note' },
        'Saved on this server for this browser. Students see a terrain’s note as “the instructor’s note”. Export keeps a copy in a file.',
      ),
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'button', class: 'primary', onclick: () => deps.editor.open({ kind: 'mlp' }) }, 'New network terrain'),
        h('button', { type: 'button', onclick: () => deps.editor.open({ kind: 'expression' }) }, 'New formula terrain'),
      ),
      this.count,
      this.list,
      h('div', { class: 'buttons' }, h('button', { type: 'button', onclick: () => void this.exportAll() }, 'Export library'), importButton),
      this.fileInput,
      this.status,
      this.error,
    );
    deps.editor.onSaved = () => void this.refresh();
  }

  /** Reloads the list from the server. */
  async refresh(): Promise<void> {
    try {
      const { entries, entriesPerKey } = await this.deps.client.list();
      this.entries = entries;
      this.limit = entriesPerKey;
      this.render();
      this.error.textContent = '';
    } catch (e) {
      this.report(e);
    }
  }

  /** Marks the entry whose terrain the room races on now (`spec`: the room's landscape). */
  markInUse(spec: unknown): void {
    const key = JSON.stringify(spec ?? null);
    if (key === this.inUseKey) return;
    this.inUseKey = key;
    for (const li of this.list.querySelectorAll<HTMLElement>('li[data-entry]')) {
      const e = this.entries.find((x) => x.id === li.dataset.entry);
      li.classList.toggle('in-use', JSON.stringify(e?.terrain ?? 0) === key);
    }
  }

  /** Saves through the editor (create or update); the list refreshes after. */
  async save(entry: LibraryEntry, id: string | undefined): Promise<{ id: string }> {
    return id ? this.deps.client.update(id, entry) : this.deps.client.create(entry);
  }

  private render(): void {
    this.count.textContent = `${this.entries.length} of ${this.limit} entries.`;
    if (this.entries.length === 0) {
      this.list.replaceChildren(h('li', { class: 'note' }, 'Nothing saved yet: build a network terrain or write a formula.'));
      return;
    }
    this.list.replaceChildren(...this.entries.map((e) => this.item(e)));
    const key = this.inUseKey;
    this.inUseKey = '';
    this.markInUse(JSON.parse(key || 'null'));
  }

  private item(e: StoredLibraryEntryWire): HTMLElement {
    // What makes the entry (the server's id, dates and share link are not part of it).
    const entry = { title: e.title, lesson: e.lesson, terrain: e.terrain, preset: e.preset } as LibraryEntry;
    const share = h('div');
    if (e.shareId) share.append(this.shareRow(e));
    const b = (label: string, onclick: () => void, cls?: string) =>
      h('button', { type: 'button', class: cls, 'aria-label': `${label}: ${e.title}`, onclick }, label);
    return h(
      'li',
      { 'data-entry': e.id },
      h('div', { class: 'entry-title' }, e.title),
      h('div', { class: 'note' }, terrainTitle(entry.terrain)),
      h(
        'div',
        { class: 'buttons' },
        this.deps.use ? b('Use', () => void this.use(entry), 'primary') : null,
        b('Edit', () => this.deps.editor.open({ id: e.id, entry })),
        b(e.shareId ? 'Stop sharing' : 'Share', () => void this.toggleShare(e)),
        b('Delete', () => void this.remove(e), 'danger'),
      ),
      share,
    );
  }

  private shareRow(e: StoredLibraryEntryWire): HTMLElement {
    const link = `${this.deps.origin}/?library=${e.shareId}`;
    const input = h('input', { type: 'text', readOnly: true, value: link, 'aria-label': `Share link of ${e.title}` });
    return h(
      'div',
      { class: 'share-link' },
      input,
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            input.select();
            void navigator.clipboard?.writeText(link).then(
              () => (this.status.textContent = 'Link copied: anyone with it can read and copy this terrain, not change it.'),
              () => (this.status.textContent = 'Select the link and copy it.'),
            );
          },
        },
        'Copy link',
      ),
    );
  }

  private async use(entry: LibraryEntry): Promise<void> {
    this.status.textContent = `Checking “${entry.title}”…`;
    try {
      await this.deps.use?.(entry);
      this.status.textContent = `“${entry.title}” is the room’s terrain; students see your note.`;
      this.error.textContent = '';
    } catch (e) {
      this.status.textContent = '';
      this.report(e);
    }
  }

  private async toggleShare(e: StoredLibraryEntryWire): Promise<void> {
    try {
      if (e.shareId) await this.deps.client.unshare(e.id);
      else await this.deps.client.share(e.id);
      this.status.textContent = e.shareId
        ? `“${e.title}” is no longer shared: its old link reads nothing.`
        : `“${e.title}” is shared: copy its link.`;
      await this.refresh();
    } catch (err) {
      this.report(err);
    }
  }

  private async remove(e: StoredLibraryEntryWire): Promise<void> {
    if (!confirm(`Delete “${e.title}” from your library? A shared link to it stops working.`)) return;
    try {
      await this.deps.client.remove(e.id);
      await this.refresh();
    } catch (err) {
      this.report(err);
    }
  }

  private async exportAll(): Promise<void> {
    await this.refresh();
    const file = libraryFile(this.entries as unknown as LibraryEntry[]);
    download('gradient-rally-library.json', 'application/json', JSON.stringify(file, null, 2));
    this.status.textContent = `Exported ${this.entries.length} entr${this.entries.length === 1 ? 'y' : 'ies'}.`;
  }

  private async importChosen(): Promise<void> {
    const file = this.fileInput.files?.[0];
    this.fileInput.value = '';
    if (!file) return;
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch {
      this.error.textContent = `${file.name} is not a library file (it is not JSON).`;
      return;
    }
    try {
      const added = await this.deps.client.importFile(json);
      this.status.textContent = `Imported ${added.length} entr${added.length === 1 ? 'y' : 'ies'} from ${file.name}.`;
      this.error.textContent = '';
      await this.refresh();
    } catch (e) {
      this.report(e);
    }
  }

  private report(e: unknown): void {
    this.error.textContent = e instanceof LibraryError ? e.message : `Something went wrong: ${e instanceof Error ? e.message : String(e)}`;
  }
}
