import { expect } from 'chai';
import { of } from 'rxjs';
import { toSwarmEvents } from '../../src/operators/index.js';
import { Bitfield } from '../../src/protocol/bitfield.js';
import type { WireMessage } from '../../src/protocol/wire/index.js';
import { testScheduler } from './marbles.js';

describe('toSwarmEvents', () => {
  const block = new Uint8Array([1, 2, 3]);

  it('keeps the messages the scheduler cares about, as its events, and drops the rest', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const messages = cold<WireMessage>('-b-u-i-p-|', {
        b: { type: 'bitfield', bytes: Uint8Array.of(0xa0) },
        u: { type: 'unchoke' },
        i: { type: 'interested' },
        p: { type: 'piece', index: 2, begin: 0, block },
      });
      const bitfield = Bitfield.fromBytes(Uint8Array.of(0xa0), 3);
      expectObservable(messages.pipe(toSwarmEvents('a', 3))).toBe('-b-u---p-|', {
        b: { type: 'bitfield', peer: 'a', bitfield },
        u: { type: 'unchoke', peer: 'a' },
        p: { type: 'block', peer: 'a', index: 2, begin: 0, data: block },
      });
    });
  });

  it('errors on a bitfield of the wrong size; passes errors and unsubscription through', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<WireMessage>('-#').pipe(toSwarmEvents('a', 3))).toBe('-#');
      expectObservable(cold<WireMessage>('-u-u-|', { u: { type: 'unchoke' } }).pipe(toSwarmEvents('a', 3)), '--!').toBe('-u', { u: { type: 'unchoke', peer: 'a' } });
    });
    let error: unknown;
    of<WireMessage>({ type: 'bitfield', bytes: Uint8Array.of(0xa0, 0) }).pipe(toSwarmEvents('a', 3)).subscribe({ error: (e: unknown) => (error = e) });
    expect(error).to.have.property('code', 'ERR_WIRE_BITFIELD_LENGTH');
  });
});
