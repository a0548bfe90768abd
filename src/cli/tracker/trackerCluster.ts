/**
 * `rxtorrent tracker --workers N`: a `node:cluster` primary that forks N tracker processes
 * sharing the HTTP and UDP ports (and one Redis), replaces a worker that dies, and stops them
 * all on SIGINT or SIGTERM.
 *
 * @module
 */
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import type { ListeningMessage, TrackerProcessIo } from './serveTracker.js';
import type { TrackerOptions } from './trackerOptions.js';

/** A worker that does not exit this long after SIGTERM is killed. */
export const WORKER_STOP_GRACE_MS = 10_000;
/** More restarts than this within {@link RESTART_WINDOW_MS} end the tracker (a crash loop). */
export const MAX_RESTARTS = 10;
/** Window of {@link MAX_RESTARTS}. */
export const RESTART_WINDOW_MS = 60_000;

const isListening = (message: unknown): message is ListeningMessage =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'rxtorrent-tracker-listening';

function exited(worker: Worker): Promise<void> {
  return worker.isDead() ? Promise.resolve() : new Promise((resolve) => worker.once('exit', () => resolve()));
}

/**
 * Runs the primary: forks `options.workers` workers (each re-runs this command and serves as in
 * {@link serveTracker}), prints the URLs once every worker listens, then waits for a signal.
 *
 * @param options - checked options (`workers` > 1, `redis` set).
 * @param io - output.
 * @throws Error when a worker exits before listening (a taken port, Redis unreachable) or workers
 *   keep crashing; the other workers are stopped first.
 * @example
 * ```ts
 * import cluster from 'node:cluster';
 * declare const options: TrackerOptions, io: TrackerProcessIo;
 * if (cluster.isPrimary && options.workers > 1) await runTrackerCluster(options, io);
 * ```
 */
export async function runTrackerCluster(options: TrackerOptions, io: TrackerProcessIo): Promise<void> {
  let stopping = false;
  let signalled: (signal: NodeJS.Signals) => void = () => undefined;
  const stopped = new Promise<NodeJS.Signals>((resolve) => (signalled = resolve));
  const onSignal = (signal: NodeJS.Signals): void => {
    stopping = true;
    signalled(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let failure: ((err: Error) => void) | undefined;
  const failed = new Promise<never>((_, reject) => (failure = reject));
  failed.catch(() => undefined);
  const restarts: number[] = [];
  const workers = new Set<Worker>();

  const fork = (): Promise<ListeningMessage> => {
    const worker = cluster.fork();
    workers.add(worker);
    return new Promise((resolve, reject) => {
      let listening = false;
      worker.on('message', (message: unknown) => {
        if (!isListening(message)) return;
        listening = true;
        resolve(message);
      });
      worker.once('exit', (code, signal) => {
        workers.delete(worker);
        const why = signal !== null ? `signal ${signal}` : `code ${code}`;
        if (!listening) return reject(new Error(`tracker worker ${worker.id} exited (${why}) before listening`));
        if (stopping) return;
        const now = Date.now();
        restarts.push(now);
        while (restarts[0]! < now - RESTART_WINDOW_MS) restarts.shift();
        if (restarts.length > MAX_RESTARTS) return failure?.(new Error(`tracker workers crashed ${restarts.length} times within a minute`));
        io.err(`rxtorrent tracker: worker ${worker.id} exited (${why}), starting another`);
        fork().catch((err: unknown) => failure?.(err instanceof Error ? err : new Error(String(err))));
      });
    });
  };

  const stopAll = async (): Promise<void> => {
    stopping = true;
    const all = [...workers];
    for (const worker of all) worker.process.kill('SIGTERM');
    const timer = setTimeout(() => all.forEach((w) => w.isDead() || w.process.kill('SIGKILL')), WORKER_STOP_GRACE_MS);
    await Promise.all(all.map(exited));
    clearTimeout(timer);
  };

  try {
    const [first] = await Promise.race([Promise.all(Array.from({ length: options.workers }, fork)), stopped.then(() => [])]);
    if (first !== undefined) {
      for (const url of first.urls) io.out(`listening on ${url}`);
      io.out(`${options.workers} workers sharing one Redis`);
    }
    const signal = await Promise.race([stopped, failed]);
    io.err(`rxtorrent tracker: ${signal}, shutting down`);
  } finally {
    await stopAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // Keep ignoring signals while the process winds down (timeout(1) may send a second one).
    process.on('SIGINT', () => undefined);
    process.on('SIGTERM', () => undefined);
  }
}
