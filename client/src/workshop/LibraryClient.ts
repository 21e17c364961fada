import { libraryAnswerSchemas as answers, type LibraryEntry, type StoredLibraryEntryWire } from '@gradient-rally/shared';

/** A refusal from the library, with the field it names (`entry.terrain.layers[2]`) when there is one. */
export class LibraryError extends Error {
  constructor(
    message: string,
    readonly field?: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * The instructor's library on the game server (`/api/landscapes`, see the
 * server's `libraryRoute.ts`): every call carries the instructor key in the
 * `Authorization` header, to `base` only (the server `chooseServer` picked,
 * whose origin the key was made for). Answers are parsed with shared's
 * schemas; refusals throw `LibraryError` with the server's sentence and field.
 */
export class LibraryClient {
  constructor(
    /** `http(s)://host:port` of the game server. */
    readonly base: string,
    private readonly key: string,
  ) {}

  async list(): Promise<{ entries: StoredLibraryEntryWire[]; entriesPerKey: number }> {
    const r = answers.list.parse(await this.call('GET', '/api/landscapes'));
    return { entries: r.entries, entriesPerKey: r.limits.entriesPerKey };
  }

  async create(entry: LibraryEntry): Promise<StoredLibraryEntryWire> {
    return answers.one.parse(await this.call('POST', '/api/landscapes', entry)).entry;
  }

  async update(id: string, entry: LibraryEntry): Promise<StoredLibraryEntryWire> {
    return answers.one.parse(await this.call('PUT', `/api/landscapes/${encodeURIComponent(id)}`, entry)).entry;
  }

  async remove(id: string): Promise<void> {
    await this.call('DELETE', `/api/landscapes/${encodeURIComponent(id)}`);
  }

  async share(id: string): Promise<{ shareId: string; link: string }> {
    return answers.share.parse(await this.call('POST', `/api/landscapes/${encodeURIComponent(id)}/share`));
  }

  async unshare(id: string): Promise<void> {
    await this.call('DELETE', `/api/landscapes/${encodeURIComponent(id)}/share`);
  }

  /** Adds every entry of an exported library file (all or none). */
  async importFile(file: unknown): Promise<StoredLibraryEntryWire[]> {
    return answers.many.parse(await this.call('POST', '/api/landscapes/import', file)).entries;
  }

  /** A shared entry, read-only: no key is sent. */
  static async shared(base: string, shareId: string): Promise<LibraryEntry> {
    const res = await fetch(`${base}/api/shared-landscapes/${encodeURIComponent(shareId)}`, { credentials: 'omit' });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw refusal(res.status, body);
    return answers.shared.parse(body).entry as LibraryEntry;
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        credentials: 'omit',
        headers: { authorization: `Bearer ${this.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new LibraryError('the game server cannot be reached: your library is kept there; try again in a moment');
    }
    if (res.status === 204) return {};
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw refusal(res.status, json);
    return json;
  }
}

function refusal(status: number, body: unknown): LibraryError {
  const r = answers.refusal.safeParse(body);
  return new LibraryError(r.success ? r.data.error : `the server answered ${status}`, r.success ? r.data.field : undefined, status);
}
