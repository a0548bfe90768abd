/** Helpers for MSE specs: a seeded byte source and a hand-driven handshake pair. */
import { concat } from '../wire/wireFixtures.js';
import { MseHandshake, type CryptoMethod, type MseResult, type MseStep } from '../../../src/protocol/mse/index.js';
import { req2Hash } from '../../../src/protocol/mse/index.js';
import { equalBytes } from '../../../src/protocol/bytes.js';
import { seededRandom } from '../../helpers/random.js';

/** Deterministic random bytes. */
export function seededBytes(seed: number): (length: number) => Uint8Array {
  const next = seededRandom(seed);
  return (length) => Uint8Array.from({ length }, () => Math.floor(next() * 256));
}

export const SKEY = new Uint8Array(20).fill(0xab);

/** Concatenates byte arrays (the wire fixtures' `concat`). */
export const join = concat;

/** Feeds `bytes` in pieces cut at `cuts`, collecting what is sent and the result. */
export function feed(side: MseHandshake, bytes: Uint8Array, cuts: readonly number[] = []): { send: Uint8Array; done?: MseResult } {
  const sent: Uint8Array[] = [];
  let done: MseResult | undefined;
  let from = 0;
  for (const to of [...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length]) {
    if (to <= from || done !== undefined) continue;
    const step: MseStep = side.write(bytes.subarray(from, to));
    sent.push(...step.send);
    done = step.done;
    from = to;
  }
  return { send: join(sent), done };
}

/** A responder serving `SKEY`. */
export function responder(methods: readonly CryptoMethod[], seed = 2): MseHandshake {
  return MseHandshake.responder({ methods, random: seededBytes(seed), findSkey: (r) => (equalBytes(r, req2Hash(SKEY)) ? SKEY : undefined) });
}

/** An initiator for `SKEY`. */
export function initiator(methods: readonly CryptoMethod[], seed = 1): MseHandshake {
  return MseHandshake.initiator({ methods, random: seededBytes(seed), skey: SKEY });
}
