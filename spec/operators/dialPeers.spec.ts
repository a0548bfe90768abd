import { expect } from 'chai';
import { Observable, Subject, type Subscriber } from 'rxjs';
import { PeerError } from '../../src/errors.js';
import { dialPeers, type DialCommand } from '../../src/operators/dialPeers.js';
import type { PeerAddress } from '../../src/protocol/peerAddress.js';
import { testScheduler } from './marbles.js';

/** A fake dialler: the test decides when each dial connects, fails or closes. */
function fakeDial() {
  const dials: { address: PeerAddress; sub: Subscriber<string>; closed: boolean }[] = [];
  const dial = (address: PeerAddress) =>
    new Observable<string>((sub) => {
      const entry = { address, sub, closed: false };
      dials.push(entry);
      return () => void (entry.closed = true);
    });
  return { dials, dial };
}

const a = (port: number): PeerAddress => ({ host: '127.0.0.1', port });

describe('dialPeers', () => {
  it('dials under the cap, emits connections, and dials the next when one ends', () => {
    const { dials, dial } = fakeDial();
    const input = new Subject<DialCommand>();
    const out: string[] = [];
    input.pipe(dialPeers(dial, { maxPeers: 2, scheduler: testScheduler() })).subscribe((c) => out.push(c));
    input.next({ type: 'add', addresses: [a(1), a(2), a(3)] });
    expect(dials.map((d) => d.address.port)).to.deep.equal([1, 2]);
    dials[0]!.sub.next('conn1');
    dials[1]!.sub.error(new PeerError('ERR_PEER_CONNECT_FAILED', 'refused'));
    expect(out).to.deep.equal(['conn1']);
    expect(dials.map((d) => d.address.port)).to.deep.equal([1, 2, 3]);
  });

  it('retries a failed address after its back-off, in virtual time', () => {
    const scheduler = testScheduler();
    scheduler.maxFrames = 20_000;
    const { dials, dial } = fakeDial();
    const input = new Subject<DialCommand>();
    const sub = input.pipe(dialPeers(dial, { maxPeers: 5, retryBaseMs: 5000, tickMs: 1000, scheduler })).subscribe();
    input.next({ type: 'add', addresses: [a(1)] });
    dials[0]!.sub.error(new Error('nope'));
    const seen: [number, number][] = [];
    for (const t of [4000, 6000]) scheduler.schedule(() => void seen.push([t, dials.length]), t);
    scheduler.flush();
    expect(seen).to.deep.equal([[4000, 1], [6000, 2]]);
    sub.unsubscribe();
  });

  it('does not redial a banned address or itself; unsubscribing closes open dials', () => {
    const { dials, dial } = fakeDial();
    const input = new Subject<DialCommand>();
    const sub = input.pipe(dialPeers(dial, { maxPeers: 5, retryBaseMs: 1, scheduler: testScheduler() })).subscribe();
    input.next({ type: 'add', addresses: [a(1), a(2)] });
    dials[0]!.sub.error(new PeerError('ERR_PEER_SELF', 'self'));
    input.next({ type: 'ban', address: a(2) });
    dials[1]!.sub.complete();
    input.next({ type: 'add', addresses: [a(1), a(2)] });
    expect(dials).to.have.length(2);
    input.next({ type: 'add', addresses: [a(3)] });
    sub.unsubscribe();
    expect(dials[2]!.closed).to.equal(true);
  });
});
