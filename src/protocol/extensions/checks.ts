/**
 * Argument checks shared by the extension cores (internal: not re-exported).
 *
 * @module
 */
import { ExtensionError } from '../../errors.js';

/**
 * Checks a configured or encoded integer: programmer errors surface at once, not on the wire.
 * @param name what the value is, for the message.
 * @param value the value.
 * @param min smallest allowed.
 * @param max largest allowed.
 * @returns `value`.
 * @throws {ExtensionError} `ERR_EXT_INVALID_ARGUMENT` unless `value` is an integer in `[min, max]`.
 * @example
 * ```ts
 * declare const config: { intervalMs?: number };
 * const interval = checkInteger('intervalMs', config.intervalMs ?? 60_000, 1, 2 ** 31)
 * ```
 */
export function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ExtensionError('ERR_EXT_INVALID_ARGUMENT', `${name} ${value} outside ${min}..${max}`);
  }
  return value;
}

/**
 * Reads an own key of a decoded bencode dict, so a key named `constructor` is never inherited.
 * @param dict a decoded dict.
 * @param key the key.
 * @returns the value, or undefined when absent.
 */
export function own(dict: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(dict, key) ? dict[key] : undefined;
}

/**
 * @param value a decoded bencode value.
 * @returns whether it is a dict.
 */
export function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
