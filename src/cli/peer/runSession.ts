/**
 * Running a session from the command line: render its state, stop cleanly on SIGINT/SIGTERM
 * (the tracker hears `stopped`, files are closed), and turn the outcome into an exit code.
 *
 * @module
 */
import type { Observable } from 'rxjs';
import type { SessionState } from '../../streams/session/sessionState.js';
import { EXIT } from '../report.js';
import type { SessionView } from '../sessionView.js';

/** Exit code when interrupted before the download completed (128 + SIGINT, as shells do). */
export const EXIT_INTERRUPTED = 130;

/**
 * Subscribes to `state$` until it completes, errors, or the user stops it.
 *
 * @returns the exit code: 0 done (or seeding stopped by the user), 130 interrupted before done;
 *   an error rejects (the caller reports it)
 * @example
 * ```ts
 * declare const config: DownloadConfig, view: SessionView;
 * process.exitCode = await runSession(download(torrent, config), view);
 * ```
 */
export function runSession(state$: Observable<SessionState>, view: SessionView): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let latest: SessionState | undefined;
    let stopping = false;
    const stop = (): void => {
      // A signal often comes twice (`timeout` and process-group kills send it to the command and
      // to its group): the handlers stay until the end, so the second one cannot kill us midway.
      if (stopping) return;
      stopping = true;
      subscription.unsubscribe();
      const done = latest?.status === 'seeding' || latest?.status === 'done';
      view.finish(latest, done ? 'stopped seeding' : 'interrupted');
      // Let the `stopped` announce and file closes run before the process exits. Not unref'd:
      // if the loop emptied first, the top-level await would never settle (exit code 13).
      setTimeout(() => {
        cleanup();
        resolve(done ? EXIT.ok : EXIT_INTERRUPTED);
      }, 300);
    };
    const cleanup = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    const subscription = state$.subscribe({
      next: (state) => {
        latest = state;
        view.update(state);
      },
      error: (err: unknown) => {
        cleanup();
        view.finish(latest, undefined, err);
        reject(err);
      },
      complete: () => {
        cleanup();
        view.finish(latest, latest?.status === 'done' ? 'done' : undefined);
        resolve(EXIT.ok);
      },
    });
  });
}
