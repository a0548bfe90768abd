/**
 * A mistake on the command line: reported in one line, exit code 2.
 *
 * @example
 * ```ts
 * throw new UsageError('--workers needs --redis');
 * ```
 */
export class UsageError extends Error {
  readonly code = 'ERR_USAGE';
}
