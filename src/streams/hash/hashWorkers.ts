/**
 * SHA-1 of whole pieces on worker threads. Hashing is a quarter of a download's main-thread time
 * (~0.7 s per GiB through `node:crypto`); on a worker it overlaps with the socket reads, the
 * scheduling and the disk writes that the main thread does meanwhile. Piece buffers from a
 * `SharedArrayBuffer` (the download's piece pool allocates them so) reach the worker without a
 * copy: posting one costs the main thread ~50 µs. Any other buffer is hashed on the main thread.
 *
 * If a worker dies, the pieces it had are hashed on the main thread and the pool carries on
 * without workers: a hash is never lost.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { PieceError } from '../../errors.js';
import { sha1 } from '../../protocol/metainfo/index.js';

/** The worker's whole program: CommonJS, so it loads the same from `src/` under ts-node and from `dist/`. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
parentPort.on('message', ({ id, buffer, offset, length }) => {
  parentPort.postMessage({ id, digest: createHash('sha1').update(new Uint8Array(buffer, offset, length)).digest() });
});`;

/** Options of a {@link HashWorkers} pool. */
export interface HashWorkersConfig {
  /** Worker threads (0: hash everything on the main thread). @default cores − 1, between 1 and 2 */
  readonly threads?: number;
}

/** One hash on its way. */
interface Job {
  readonly data: Uint8Array;
  readonly resolve: (digest: Uint8Array) => void;
  readonly reject: (err: unknown) => void;
}

/** The default number of threads: the cores left over by the main thread, one or two. */
export function defaultHashThreads(): number {
  return Math.max(1, Math.min(2, availableParallelism() - 1));
}

/**
 * A pool of SHA-1 worker threads, started on the first hash and stopped by {@link close}. Idle
 * workers do not keep the process alive.
 *
 * @example
 * ```ts
 * const hashers = new HashWorkers();
 * const digest = await hashers.sha1(piece); // piece.buffer a SharedArrayBuffer: hashed off-thread
 * await hashers.close();
 * ```
 */
export class HashWorkers {
  /** Worker threads this pool runs at most (0: it hashes on the main thread). */
  readonly threads: number;
  readonly #workers: Worker[] = [];
  readonly #jobs = new Map<number, Job & { readonly worker: Worker }>();
  /** Jobs on each worker: a worker with jobs keeps the process alive, an idle one does not. */
  readonly #load = new Map<Worker, number>();
  #nextId = 0;
  #broken = false;
  #closed = false;

  constructor(config: HashWorkersConfig = {}) {
    const threads = config.threads ?? defaultHashThreads();
    if (!Number.isInteger(threads) || threads < 0) throw new RangeError(`threads must be a non-negative integer, got ${threads}`);
    this.threads = threads;
  }

  /** Worker threads running now (they start with the first hashes). */
  get running(): number {
    return this.#workers.length;
  }

  /**
   * The SHA-1 of `data`. The caller must not change `data` until the promise settles.
   *
   * @param data - a whole piece
   * @returns its 20-byte digest; rejects with `ERR_PIECE_HASHER_CLOSED` once the pool is closed
   */
  sha1(data: Uint8Array): Promise<Uint8Array> {
    if (this.#closed) return Promise.reject(new PieceError('ERR_PIECE_HASHER_CLOSED', 'the hash workers are closed'));
    if (this.threads === 0 || this.#broken || !(data.buffer instanceof SharedArrayBuffer)) return Promise.resolve(sha1(data));
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      const worker = this.#worker(id);
      this.#jobs.set(id, { data, resolve, reject, worker });
      this.#count(worker, +1);
      worker.postMessage({ id, buffer: data.buffer, offset: data.byteOffset, length: data.byteLength });
    });
  }

  /** Stops the workers; hashes still on their way reject with `ERR_PIECE_HASHER_CLOSED`. */
  async close(): Promise<void> {
    this.#closed = true;
    const pending = [...this.#jobs.values()];
    this.#jobs.clear();
    for (const job of pending) job.reject(new PieceError('ERR_PIECE_HASHER_CLOSED', 'the hash workers were closed before this piece was hashed'));
    const workers = this.#workers.splice(0);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  /** The worker for job `id`, round robin, starting workers as needed. */
  #worker(id: number): Worker {
    const slot = id % this.threads;
    let worker = this.#workers[slot];
    if (worker === undefined) {
      worker = this.#start();
      this.#workers[slot] = worker;
    }
    return worker;
  }

  #start(): Worker {
    // No execArgv: the worker needs none of the parent's loaders (ts-node under mocha).
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 } });
    worker.unref();
    worker.on('message', ({ id, digest }: { id: number; digest: Uint8Array }) => {
      const job = this.#jobs.get(id);
      if (job === undefined) return;
      this.#jobs.delete(id);
      this.#count(worker, -1);
      job.resolve(new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength));
    });
    worker.on('error', () => this.#fail(worker));
    worker.on('exit', () => this.#fail(worker));
    return worker;
  }

  #count(worker: Worker, change: 1 | -1): void {
    const load = (this.#load.get(worker) ?? 0) + change;
    this.#load.set(worker, load);
    if (load === 1 && change === 1) worker.ref();
    if (load === 0) worker.unref();
  }

  /** A worker died (not by {@link close}): its pieces are hashed here, and so is everything after. */
  #fail(worker: Worker): void {
    if (this.#closed) return;
    this.#broken = true;
    for (const [id, job] of this.#jobs) {
      if (job.worker !== worker) continue;
      this.#jobs.delete(id);
      try {
        job.resolve(sha1(job.data));
      } catch (err) {
        job.reject(err);
      }
    }
  }
}
