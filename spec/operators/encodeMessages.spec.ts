import { expect } from 'chai';
import { Subject } from 'rxjs';
import { encodeMessages } from '../../src/operators/encodeMessages.js';
import { encodeMessage, encodePieceHeader } from '../../src/protocol/wire/index.js';
import type { WireMessage } from '../../src/protocol/wire/index.js';
import { testScheduler } from './marbles.js';
import { errorCodes } from './wireHelpers.js';

const have: WireMessage = { type: 'have', index: 5 };
const block = Uint8Array.from({ length: 100 }, (_, i) => i);
const piece: WireMessage = { type: 'piece', index: 1, begin: 16384, block };

describe('encodeMessages', () => {
  it('never / empty / error pass through', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<WireMessage>('-').pipe(encodeMessages())).toBe('-');
      expectObservable(cold<WireMessage>('|').pipe(encodeMessages())).toBe('|');
      expectObservable(cold<WireMessage>('-#', undefined, 'boom').pipe(encodeMessages())).toBe('-#', undefined, 'boom');
    });
  });

  it('encodes one message into one chunk', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a|', { a: have }).pipe(encodeMessages())).toBe('-a|', { a: encodeMessage(have) });
    });
  });

  it('encodes many, a piece as header + block', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-p----|', { a: have, p: piece }).pipe(encodeMessages()))
        .toBe('-a-(hb)-|', { a: encodeMessage(have), h: encodePieceHeader(1, 16384, 100), b: block });
    });
  });

  it('does not copy the block', () => {
    const chunks: Uint8Array[] = [];
    const messages$ = new Subject<WireMessage>();
    messages$.pipe(encodeMessages()).subscribe((c) => chunks.push(c));
    messages$.next(piece);
    expect(chunks[1]).to.equal(block);
  });

  it('errors (throwing encoder) on a number that does not fit, and unsubscribes the source', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const messages = cold<WireMessage>('-a-b-a|', { a: have, b: { type: 'have', index: 2 ** 32 } });
      expectObservable(messages.pipe(encodeMessages(), errorCodes()))
        .toBe('-a-#', { a: encodeMessage(have) }, 'WireError:ERR_WIRE_INVALID_ARGUMENT');
      expectSubscriptions(messages.subscriptions).toBe('^--!');
    });
  });

  it('stops on early unsubscribe', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const messages = cold('-a-a-a-|', { a: have });
      expectObservable(messages.pipe(encodeMessages()), '^--!').toBe('-a-', { a: encodeMessage(have) });
      expectSubscriptions(messages.subscriptions).toBe('^--!');
    });
  });
});
