/** Shared helpers for the extension specs. */

import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { ExtensionError, RxTorrentError } from '../../../src/errors.js';

/** Bytes of a binary string (one byte per char code). */
export const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Concatenates byte arrays. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** SHA-1 of `bytes`. */
export function sha1(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(bytes).digest());
}

/** Runs `fn` and returns the code of the `ExtensionError` it throws (failing on any other outcome). */
export function extCode(fn: () => unknown): string {
  return errorCode(fn, ExtensionError);
}

/** Runs `fn` and returns the code of the rxtorrent error of class `type` it throws. */
export function errorCode(fn: () => unknown, type: abstract new (...args: never[]) => RxTorrentError = RxTorrentError): string {
  try {
    fn();
  } catch (err) {
    expect(err, String(err)).to.be.instanceOf(type);
    return (err as RxTorrentError).code;
  }
  return expect.fail('expected an error');
}

/** Deterministic pseudo-random bytes. */
export function bytesOf(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}
