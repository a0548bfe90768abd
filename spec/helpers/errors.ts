/** Reading the stable code of a typed error in specs. */
import { RxTorrentError } from '../../src/errors.js';

/** A typed error class (BencodeError, TrackerError, …). */
export type ErrorClass = abstract new (...args: never[]) => RxTorrentError;

/**
 * Runs `fn` and returns the `code` of the error it throws, or undefined when it returns. An error
 * that is not a `type` is rethrown, failing the spec.
 */
export function codeOf(fn: () => unknown, type: ErrorClass = RxTorrentError): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (!(err instanceof type)) throw err;
    return err.code;
  }
}
