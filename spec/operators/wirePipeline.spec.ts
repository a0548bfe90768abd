/**
 * Properties of `frameMessages` + `decodeMessages` together: re-chunking the same bytes never
 * changes the messages, and arbitrary bytes only ever produce typed errors.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { RxTorrentError } from '../../src/errors.js';
import { decodeMessages, type DecodedMessage } from '../../src/operators/decodeMessages.js';
import { frameMessages } from '../../src/operators/frameMessages.js';
import { encodeExtendedHandshake, encodeMessage, type WireLimits, type WireMessage } from '../../src/protocol/wire/index.js';
import { concat, rawFrame, splitAt, splitsArb, wireMessageArb } from '../protocol/wire/wireFixtures.js';
import { HANDSHAKE, HANDSHAKE_BYTES } from './wireHelpers.js';

const PIECES = 20;
const limits = { pieceCount: PIECES };

const recorded: readonly WireMessage[] = [
  { type: 'extended', id: 0, payload: encodeExtendedHandshake({ extensions: { ut_metadata: 2 }, port: 6881 }) },
  { type: 'bitfield', bytes: Uint8Array.of(0xff, 0x0f, 0x30) },
  { type: 'allowed-fast', index: 3 },
  { type: 'unchoke' },
  { type: 'interested' },
  { type: 'request', index: 1, begin: 0, length: 16384 },
  { type: 'keep-alive' },
  { type: 'piece', index: 2, begin: 16384, block: Uint8Array.from({ length: 700 }, (_, i) => (i * 7) & 0xff) },
  { type: 'have', index: 19 },
  { type: 'cancel', index: 1, begin: 0, length: 16384 },
  { type: 'reject-request', index: 5, begin: 0, length: 16384 },
  { type: 'choke' },
  { type: 'have-all' },
  { type: 'port', port: 6881 },
];
/** The session on the wire, with one frame of an unknown id (skipped) in the middle. */
const stream = concat([HANDSHAKE_BYTES, ...recorded.slice(0, 5).map(encodeMessage), rawFrame(0x42, [1, 2, 3]), ...recorded.slice(5).map(encodeMessage)]);
const expected: DecodedMessage[] = [{ type: 'handshake', handshake: HANDSHAKE }, ...recorded];

const decodeAll = (chunks: readonly Uint8Array[], l: WireLimits = limits): Promise<DecodedMessage[]> =>
  lastValueFrom(from(chunks).pipe(frameMessages(l), decodeMessages(l), toArray()));

describe('frameMessages + decodeMessages', () => {
  it(`gives the same messages for every single split point (${stream.length - 1} of them)`, async () => {
    for (let cut = 1; cut < stream.length; cut++) {
      // Copies, so no frame can alias bytes of another split.
      const chunks = [stream.slice(0, cut), stream.slice(cut)];
      expect(await decodeAll(chunks), `split at ${cut}`).to.deep.equal(expected);
    }
  });

  it('gives the same messages byte by byte', async () => {
    const bytes = Array.from(stream, (b) => Uint8Array.of(b));
    expect(await decodeAll(bytes)).to.deep.equal(expected);
  });

  it('gives the same messages for any set of split points (property)', async () => {
    await fc.assert(
      fc.asyncProperty(splitsArb(stream.length), async (cuts) => {
        expect(await decodeAll(splitAt(stream.slice(), cuts))).to.deep.equal(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips any messages at any split points (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(wireMessageArb, { maxLength: 20 }), fc.nat(), async (messages, seed) => {
        const bytes = concat([HANDSHAKE_BYTES, ...messages.map(encodeMessage)]);
        const cuts = [...new Set([seed % bytes.length, (seed >>> 8) % bytes.length, (seed >>> 16) % bytes.length])]
          .filter((c) => c > 0).sort((a, b) => a - b);
        const out = await decodeAll(splitAt(bytes, cuts), {});
        expect(out).to.deep.equal([{ type: 'handshake', handshake: HANDSHAKE }, ...messages]);
      }),
      { numRuns: 200 },
    );
  });

  it('turns random bytes into typed errors only (property)', async () => {
    const after = (bytes: Uint8Array, handshake: boolean): Uint8Array => (handshake ? concat([HANDSHAKE_BYTES, bytes]) : bytes);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.boolean(), splitsArb(700), async (bytes, withHandshake, cuts) => {
        const input = after(bytes, withHandshake);
        try {
          await decodeAll(splitAt(input, cuts.filter((c) => c < input.length)));
        } catch (err) {
          expect(err, String(err)).to.be.instanceOf(RxTorrentError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
