import { expect } from 'chai';
import { Observable, Subject } from 'rxjs';
import { WireError } from '../../src/errors.js';
import { frameMessages } from '../../src/operators/frameMessages.js';
import type { Frame } from '../../src/protocol/wire/index.js';
import { concat, rawFrame, u32 } from '../protocol/wire/wireFixtures.js';
import { testScheduler } from './marbles.js';
import { HANDSHAKE, HANDSHAKE_BYTES, errorCodes, wire } from './wireHelpers.js';

const have = wire({ type: 'have', index: 3 });
const unchoke = wire({ type: 'unchoke' });
const h: Frame = { kind: 'handshake', handshake: HANDSHAKE };
const body = (bytes: Uint8Array): Frame => ({ kind: 'message', body: bytes.subarray(4) });

describe('frameMessages', () => {
  it('never / empty / error pass through', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<Uint8Array>('-').pipe(frameMessages())).toBe('-');
      expectObservable(cold<Uint8Array>('|').pipe(frameMessages())).toBe('|');
      expectObservable(cold<Uint8Array>('-#', undefined, 'boom').pipe(frameMessages())).toBe('-#', undefined, 'boom');
    });
  });

  it('emits one handshake frame for one chunk holding it', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-|', { a: HANDSHAKE_BYTES }).pipe(frameMessages())).toBe('-h-|', { h });
    });
  });

  it('emits many frames, whatever the chunking', () => {
    const bytes = concat([HANDSHAKE_BYTES, have, unchoke, have]);
    testScheduler().run(({ cold, expectObservable }) => {
      const chunks = cold('-a---b---c-|', { a: bytes.subarray(0, 70), b: bytes.subarray(70, 82), c: bytes.subarray(82) });
      expectObservable(chunks.pipe(frameMessages())).toBe('-a---(bc)d-|', {
        a: h, b: body(have), c: body(unchoke), d: body(have),
      });
    });
  });

  it('starts at the first message with expectHandshake: false', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-(a|)', { a: concat([have, new Uint8Array(4)]) }).pipe(frameMessages({ expectHandshake: false })))
        .toBe('-(ak|)', { a: body(have), k: { kind: 'message', body: new Uint8Array(0) } });
    });
  });

  it('errors with ERR_WIRE_TRUNCATED when the source completes mid-frame', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const chunks = cold('-a-b-|', { a: HANDSHAKE_BYTES, b: have.subarray(0, 6) });
      expectObservable(chunks.pipe(frameMessages(), errorCodes())).toBe('-a---#', { a: h }, 'WireError:ERR_WIRE_TRUNCATED');
    });
  });

  it('errors (throwing decoder) on a 4 GiB length prefix, before buffering, and unsubscribes the source', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const chunks = cold('-a-b-c-|', { a: HANDSHAKE_BYTES, b: Uint8Array.from(u32(0xffffffff)), c: have });
      expectObservable(chunks.pipe(frameMessages(), errorCodes())).toBe('-a-#', { a: h }, 'WireError:ERR_WIRE_FRAME_TOO_LONG');
      expectSubscriptions(chunks.subscriptions).toBe('^--!');
    });
  });

  it('checks bitfield sizes against pieceCount', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const chunks = cold('-a-|', { a: concat([HANDSHAKE_BYTES, rawFrame(5, [0xff, 0xff])]) });
      expectObservable(chunks.pipe(frameMessages({ pieceCount: 8 }), errorCodes())).toBe('-#', undefined, 'WireError:ERR_WIRE_BITFIELD_LENGTH');
    });
  });

  it('stops on early unsubscribe', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const chunks = cold('-a-b-c-|', { a: HANDSHAKE_BYTES, b: have, c: have });
      expectObservable(chunks.pipe(frameMessages()), '^---!').toBe('-a-b', { a: h, b: body(have) });
      expectSubscriptions(chunks.subscriptions).toBe('^---!');
    });
  });

  it('stops emitting the frames of a chunk once the consumer unsubscribes', () => {
    const seen: Frame[] = [];
    const bytes$ = new Subject<Uint8Array>();
    const sub = bytes$.pipe(frameMessages()).subscribe((f) => {
      seen.push(f);
      if (seen.length === 2) sub.unsubscribe();
    });
    bytes$.next(concat([HANDSHAKE_BYTES, have, have, have]));
    expect(seen).to.have.length(2);
    expect(bytes$.observed).to.equal(false);
  });

  it('keeps decoder state per subscription', () => {
    const framed = new Observable<Uint8Array>((s) => {
      s.next(HANDSHAKE_BYTES.subarray(0, 30));
      s.next(concat([HANDSHAKE_BYTES.subarray(30), have]));
      s.complete();
    }).pipe(frameMessages());
    for (let i = 0; i < 2; i++) {
      const frames: Frame[] = [];
      framed.subscribe((f) => frames.push(f));
      expect(frames.map((f) => f.kind)).to.deep.equal(['handshake', 'message']);
    }
  });

  it('refuses a bad cap at factory time', () => {
    expect(() => frameMessages({ maxBlockLength: 0 })).to.throw(WireError).with.property('code', 'ERR_WIRE_INVALID_ARGUMENT');
  });
});
