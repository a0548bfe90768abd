/**
 * How the CLI ends: exit codes and the one-line error report.
 *
 * @module
 */
import { RxTorrentError } from '../errors.js';
import { UsageError } from './usageError.js';

/** Exit codes of `rxtorrent`. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/**
 * Prints `err` as one line (`rxtorrent: CODE: message`) — with the stack only when `verbose` —
 * and returns the exit code it maps to.
 *
 * @example
 * ```ts
 * declare const err: unknown;
 * process.exitCode = reportError(err, { verbose: false, write: (s) => process.stderr.write(s) });
 * ```
 */
export function reportError(err: unknown, options: { verbose: boolean; write: (text: string) => void }): number {
  const { code, message } = describeError(err);
  const prefix = code === undefined || message.startsWith(code) ? '' : `${code}: `;
  options.write(`rxtorrent: ${prefix}${message}\n`);
  if (options.verbose && err instanceof Error && err.stack !== undefined) options.write(`${err.stack}\n`);
  return err instanceof UsageError ? EXIT.usage : EXIT.failure;
}

/**
 * The stable code (an rxtorrent code, or a Node system code such as `ENOENT`) and the message of
 * an error, as the one-line report and the final `--json` line show them.
 *
 * @example
 * ```ts
 * describeError(new StorageError('ERR_STORAGE_NO_SPACE', 'disk full')); // { code: 'ERR_STORAGE_NO_SPACE', message: 'disk full' }
 * ```
 */
export function describeError(err: unknown): { code: string | undefined; message: string } {
  const code = err instanceof RxTorrentError || err instanceof UsageError ? err.code : nodeCode(err);
  return { code, message: err instanceof Error ? err.message : String(err) };
}

/** Node system errors carry a code such as `ENOENT`. */
function nodeCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
