/**
 * A Web Worker answering one job at a time by id, where only the latest
 * request matters (the builder's preview while the instructor types, the
 * history's replay when another round is opened): an answer to an older job
 * resolves to undefined. The worker starts on first use.
 */
export class WorkerJobs<Job extends { id: number }, Result extends { id: number }> {
  private worker: Worker | undefined;
  private nextId = 1;
  private pending: { id: number; resolve: (r: Result | undefined) => void } | undefined;

  constructor(private readonly makeWorker: () => Worker) {}

  run(job: Omit<Job, 'id'>): Promise<Result | undefined> {
    this.worker ??= this.start();
    const id = this.nextId++;
    this.pending?.resolve(undefined);
    return new Promise((resolve) => {
      this.pending = { id, resolve };
      this.worker!.postMessage({ ...job, id });
    });
  }

  dispose(): void {
    this.pending?.resolve(undefined);
    this.pending = undefined;
    this.worker?.terminate();
    this.worker = undefined;
  }

  private start(): Worker {
    const w = this.makeWorker();
    w.onmessage = (e: MessageEvent<Result>) => {
      if (this.pending && e.data.id === this.pending.id) {
        const { resolve } = this.pending;
        this.pending = undefined;
        resolve(e.data);
      }
    };
    w.onerror = () => {
      // A crashed worker answers nothing more: the next job starts a fresh one.
      this.pending?.resolve(undefined);
      this.pending = undefined;
      this.worker?.terminate();
      this.worker = undefined;
    };
    return w;
  }
}
