import { expect } from 'chai';
import { Subject } from 'rxjs';
import { WireError } from '../../src/errors.js';
import { decodeMessages, type DecodedMessage } from '../../src/operators/decodeMessages.js';
import type { Frame } from '../../src/protocol/wire/index.js';
import { rawFrame, u32 } from '../protocol/wire/wireFixtures.js';
import { testScheduler } from './marbles.js';
import { HANDSHAKE, errorCodes } from './wireHelpers.js';

const frame = (bytes: Uint8Array): Frame => ({ kind: 'message', body: bytes.subarray(4) });
const hs: Frame = { kind: 'handshake', handshake: HANDSHAKE };
const have3 = frame(rawFrame(4, u32(3)));
const unchoke = frame(rawFrame(1));
const keepAlive: Frame = { kind: 'message', body: new Uint8Array(0) };

describe('decodeMessages', () => {
  it('never / empty / error pass through', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<Frame>('-').pipe(decodeMessages())).toBe('-');
      expectObservable(cold<Frame>('|').pipe(decodeMessages())).toBe('|');
      expectObservable(cold<Frame>('-#', undefined, 'boom').pipe(decodeMessages())).toBe('-#', undefined, 'boom');
    });
  });

  it('wraps the handshake as { type: "handshake" }', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-h|', { h: hs }).pipe(decodeMessages())).toBe('-h|', { h: { type: 'handshake', handshake: HANDSHAKE } });
    });
  });

  it('decodes many messages in order', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-h-a-u-k-|', { h: hs, a: have3, u: unchoke, k: keepAlive }).pipe(decodeMessages({ pieceCount: 4 })))
        .toBe('-h-a-u-k-|', {
          h: { type: 'handshake', handshake: HANDSHAKE },
          a: { type: 'have', index: 3 },
          u: { type: 'unchoke' },
          k: { type: 'keep-alive' },
        });
    });
  });

  it('errors (throwing decoder) on an index out of range and unsubscribes the source', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const frames = cold('-h-a-u-|', { h: hs, a: have3, u: unchoke });
      expectObservable(frames.pipe(decodeMessages({ pieceCount: 3 }), errorCodes()))
        .toBe('-h-#', { h: { type: 'handshake', handshake: HANDSHAKE } }, 'WireError:ERR_WIRE_INDEX_OUT_OF_RANGE');
      expectSubscriptions(frames.subscriptions).toBe('^--!');
    });
  });

  it('refuses requests of length 0 or over the limit, and bitfields with spare bits', () => {
    const cases: [Frame, string][] = [
      [frame(rawFrame(6, [...u32(0), ...u32(0), ...u32(0)])), 'ERR_WIRE_BAD_REQUEST'],
      [frame(rawFrame(6, [...u32(0), ...u32(0), ...u32(16385)])), 'ERR_WIRE_BAD_REQUEST'],
      [frame(rawFrame(5, [0xff])), 'ERR_WIRE_BITFIELD_SPARE_BITS'],
    ];
    for (const [f, code] of cases) {
      testScheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold('-f-|', { f }).pipe(decodeMessages({ pieceCount: 4 }), errorCodes())).toBe('-#', undefined, `WireError:${code}`);
      });
    }
  });

  it('stops on early unsubscribe', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const frames = cold('-a-u-a-|', { a: have3, u: unchoke });
      expectObservable(frames.pipe(decodeMessages()), '^--!').toBe('-a-', { a: { type: 'have', index: 3 } });
      expectSubscriptions(frames.subscriptions).toBe('^--!');
    });
  });

  it('hands out views into the frame (no copy)', () => {
    const bytes = rawFrame(7, [...u32(1), ...u32(0), 9, 9, 9]);
    const out: DecodedMessage[] = [];
    const frames$ = new Subject<Frame>();
    frames$.pipe(decodeMessages()).subscribe((m) => out.push(m));
    frames$.next(frame(bytes));
    const piece = out[0];
    expect(piece?.type).to.equal('piece');
    if (piece?.type === 'piece') expect(piece.block.buffer).to.equal(bytes.buffer);
  });

  it('refuses a bad cap at factory time', () => {
    expect(() => decodeMessages({ maxRequestLength: 1 << 20 })).to.throw(WireError).with.property('code', 'ERR_WIRE_INVALID_ARGUMENT');
  });
});
