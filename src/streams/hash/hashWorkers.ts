/**
 * SHA-1 of whole pieces on worker threads. Hashing is a quarter of a download's main-thread time
 * (~0.7 s per GiB through `node:crypto`); on a worker it overlaps with the socket reads, the
 * scheduling and the disk writes that the main thread does meanwhile.
 *
 * A piece reaches the worker without a copy: an ordinary buffer's memory moves there and back
 * (its `ArrayBuffer` is transferred, so every view of it is detached until the hash is in, and the
 * caller goes on with the view that comes back); a `SharedArrayBuffer` view is read in place.
 * Either costs the main thread ~60 µs per piece. (Pieces in shared memory looked like the simpler
 * design, but a download whose piece buffers were shared spent 0.5–0.7 CPU-seconds more per GiB on
 * its main thread, which ate the gain.)
 *
 * If a worker dies, the shared pieces it had are hashed on the main thread and the pool carries on
 * without workers; a piece whose memory was inside that worker is lost with it, and its hash
 * rejects with `ERR_PIECE_HASHER_FAILED`.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { PieceError } from '../../errors.js';
import type { HashedPiece } from '../../operators/verifyPiecesConcurrently.js';
import { sha1 } from '../../protocol/metainfo/index.js';

/** The worker's whole program: CommonJS, so it loads the same from `src/` under ts-node and from `dist/`. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
parentPort.on('message', ({ id, buffer, offset, length }) => {
  const digest = createHash('sha1').update(new Uint8Array(buffer, offset, length)).digest();
  parentPort.postMessage({ id, digest, buffer }, buffer instanceof SharedArrayBuffer ? [] : [buffer]);
});`;

/** Options of a {@link HashWorkers} pool. */
export interface HashWorkersConfig {
  /** Worker threads (0: hash everything on the main thread). @default cores − 1, between 1 and 2 */
  readonly threads?: number;
}

/** One hash on its way. */
interface Job {
  readonly data: Uint8Array;
  readonly worker: Worker;
  /** The data's memory went to the worker (the caller's views are detached until it comes back). */
  readonly moved: boolean;
  /** Where `data` was in its buffer (a detached view forgets it). */
  readonly offset: number;
  readonly length: number;
  readonly resolve: (hashed: HashedPiece) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * The default number of threads: the cores left over by the main thread, one or two.
 *
 * @example
 * ```ts
 * const hashers = new HashWorkers({ threads: defaultHashThreads() });
 * ```
 */
export function defaultHashThreads(): number {
  return Math.max(1, Math.min(2, availableParallelism() - 1));
}

/**
 * A pool of SHA-1 worker threads, started on the first hash and stopped by {@link close}. Idle
 * workers do not keep the process alive.
 *
 * @example
 * ```ts
 * declare const piece: Uint8Array;
 * const hashers = new HashWorkers();
 * const { digest, data } = await hashers.sha1(piece); // go on with `data`: `piece` may be detached
 * await hashers.close();
 * ```
 */
export class HashWorkers {
  /** Worker threads this pool runs at most (0: it hashes on the main thread). */
  readonly threads: number;
  readonly #workers: Worker[] = [];
  readonly #jobs = new Map<number, Job>();
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
   * The SHA-1 of `data`. Unless `data` is shared memory, its whole `ArrayBuffer` moves to a worker:
   * no view of it may be used until the promise settles, and afterwards only the returned `data`.
   *
   * @param data - a whole piece
   * @returns the digest and the piece; rejects with `ERR_PIECE_HASHER_CLOSED` once the pool is
   * closed, `ERR_PIECE_HASHER_FAILED` if the piece was lost with a dying worker
   */
  sha1(data: Uint8Array): Promise<HashedPiece> {
    if (this.#closed) return Promise.reject(new PieceError('ERR_PIECE_HASHER_CLOSED', 'the hash workers are closed'));
    if (this.threads === 0 || this.#broken) return Promise.resolve({ digest: sha1(data), data });
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      const worker = this.#worker(id);
      const { buffer, byteOffset: offset, byteLength: length } = data;
      const shared = buffer instanceof SharedArrayBuffer;
      // An ArrayBuffer Node will not transfer (its small-Buffer pool) is copied instead: still intact here.
      worker.postMessage({ id, buffer, offset, length }, shared ? [] : [buffer]);
      this.#jobs.set(id, { data, worker, moved: !shared && data.byteLength !== length, offset, length, resolve, reject });
      this.#count(worker, +1);
    });
  }

  /** Stops the workers; hashes still on their way reject with `ERR_PIECE_HASHER_CLOSED`. */
  async close(): Promise<void> {
    this.#closed = true;
    const pending = [...this.#jobs.values()];
    this.#jobs.clear();
    for (const job of pending) job.reject(new PieceError('ERR_PIECE_HASHER_CLOSED', 'the hash workers were closed before this piece was hashed'));
    const workers = this.#workers.splice(0);
    this.#load.clear();
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
    worker.on('message', (reply: { id: number; digest: Uint8Array; buffer: ArrayBufferLike }) => this.#done(worker, reply));
    worker.on('error', () => this.#fail(worker));
    worker.on('exit', () => this.#fail(worker));
    return worker;
  }

  #done(worker: Worker, { id, digest, buffer }: { id: number; digest: Uint8Array; buffer: ArrayBufferLike }): void {
    const job = this.#jobs.get(id);
    if (job === undefined) return;
    this.#jobs.delete(id);
    this.#count(worker, -1);
    const { data, offset, length } = job;
    const back = !job.moved ? data : Buffer.isBuffer(data) ? Buffer.from(buffer, offset, length) : new Uint8Array(buffer, offset, length);
    job.resolve({ digest: new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength), data: back });
  }

  #count(worker: Worker, change: 1 | -1): void {
    const load = (this.#load.get(worker) ?? 0) + change;
    this.#load.set(worker, load);
    if (load === 1 && change === 1) worker.ref();
    if (load === 0) worker.unref();
  }

  /** A worker died (not by {@link close}): what it had is hashed here if still here, and so is everything after. */
  #fail(worker: Worker): void {
    if (this.#closed) return;
    this.#broken = true;
    for (const [id, job] of this.#jobs) {
      if (job.worker !== worker) continue;
      this.#jobs.delete(id);
      if (job.moved) {
        job.reject(new PieceError('ERR_PIECE_HASHER_FAILED', 'a hash worker died with this piece'));
        continue;
      }
      try {
        job.resolve({ digest: sha1(job.data), data: job.data });
      } catch (err) {
        job.reject(err);
      }
    }
  }
}
