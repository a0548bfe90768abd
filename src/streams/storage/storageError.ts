/**
 * Node file-system errors → {@link StorageError} with a stable code.
 *
 * @module
 */
import { StorageError, type StorageErrorCode } from '../../errors.js';

const CODES: Record<string, StorageErrorCode> = {
  ENOSPC: 'ERR_STORAGE_NO_SPACE',
  EDQUOT: 'ERR_STORAGE_NO_SPACE',
  EROFS: 'ERR_STORAGE_READ_ONLY',
  EACCES: 'ERR_STORAGE_READ_ONLY',
  EPERM: 'ERR_STORAGE_READ_ONLY',
  ENOENT: 'ERR_STORAGE_CHANGED',
};

/**
 * Wraps an I/O failure; a StorageError passes through unchanged.
 *
 * @example
 * ```ts
 * declare const handle: import('node:fs/promises').FileHandle, bytes: Uint8Array;
 * await handle.write(bytes).catch((err: unknown) => { throw toStorageError(err, `cannot write ${path}`); });
 * ```
 */
export function toStorageError(err: unknown, what: string): StorageError {
  if (err instanceof StorageError) return err;
  const nodeCode = (err as { code?: unknown } | null)?.code;
  const code = (typeof nodeCode === 'string' ? CODES[nodeCode] : undefined) ?? 'ERR_STORAGE_IO';
  const detail = err instanceof Error ? err.message : String(err);
  return new StorageError(code, `${what}: ${detail}`, { cause: err });
}
