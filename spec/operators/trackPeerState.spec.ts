import { expect } from 'chai';
import { map } from 'rxjs';
import { WireError } from '../../src/errors.js';
import {
  initialPeerWireState, nextPeerWireState, trackPeerState, type PeerWireState, type WireTraffic,
} from '../../src/operators/trackPeerState.js';
import { MAX_PIECE_ANNOUNCEMENTS, type WireMessage } from '../../src/protocol/wire/index.js';
import { testScheduler } from './marbles.js';
import { errorCodes } from './wireHelpers.js';

const PIECES = 10;
const inn = (message: WireMessage): WireTraffic => ({ direction: 'in', message });
const out = (message: WireMessage): WireTraffic => ({ direction: 'out', message });
/** The fields a marble compares: flags, the peer's pieces as a list, counts. */
const view = (s: PeerWireState) => ({
  flags: `${+s.amChoking}${+s.amInterested}${+s.peerChoking}${+s.peerInterested}`,
  pieces: [...s.peerPieces],
  known: s.peerPiecesKnown,
  counts: [s.messagesReceived, s.messagesSent, s.bytesDownloaded, s.bytesUploaded],
});

describe('trackPeerState', () => {
  it('never / empty / error pass through', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<WireTraffic>('-').pipe(trackPeerState(PIECES))).toBe('-');
      expectObservable(cold<WireTraffic>('|').pipe(trackPeerState(PIECES))).toBe('|');
      expectObservable(cold<WireTraffic>('-#', undefined, 'boom').pipe(trackPeerState(PIECES))).toBe('-#', undefined, 'boom');
    });
  });

  it('emits one snapshot per message: choking, interest, pieces, counts', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const traffic = cold('-b-u-i-h-p-q-c-|', {
        b: inn({ type: 'bitfield', bytes: Uint8Array.of(0x80, 0x40) }),
        u: inn({ type: 'unchoke' }),
        i: out({ type: 'interested' }),
        h: inn({ type: 'have', index: 5 }),
        p: inn({ type: 'piece', index: 0, begin: 0, block: new Uint8Array(100) }),
        q: out({ type: 'unchoke' }),
        c: out({ type: 'piece', index: 0, begin: 0, block: new Uint8Array(7) }),
      });
      expectObservable(traffic.pipe(trackPeerState(PIECES), map(view))).toBe('-b-u-i-h-p-q-c-|', {
        b: { flags: '1010', pieces: [0, 9], known: true, counts: [1, 0, 0, 0] },
        u: { flags: '1000', pieces: [0, 9], known: true, counts: [2, 0, 0, 0] },
        i: { flags: '1100', pieces: [0, 9], known: true, counts: [2, 1, 0, 0] },
        h: { flags: '1100', pieces: [0, 5, 9], known: true, counts: [3, 1, 0, 0] },
        p: { flags: '1100', pieces: [0, 5, 9], known: true, counts: [4, 1, 100, 0] },
        q: { flags: '0100', pieces: [0, 5, 9], known: true, counts: [4, 2, 100, 0] },
        c: { flags: '0100', pieces: [0, 5, 9], known: true, counts: [4, 3, 100, 7] },
      });
    });
  });

  it('understands have-all and have-none (BEP 6)', () => {
    const all = nextPeerWireState(initialPeerWireState(PIECES), inn({ type: 'have-all' }));
    expect(all.peerPieces.isComplete).to.equal(true);
    expect(all.peerPieces.count).to.equal(PIECES);
    const none = nextPeerWireState(initialPeerWireState(PIECES), inn({ type: 'have-none' }));
    expect(none.peerPieces.count).to.equal(0);
    expect(none.peerPiecesKnown).to.equal(true);
  });

  it('never mutates a snapshot: the bitfield is copied on change and shared otherwise', () => {
    const s0 = initialPeerWireState(PIECES);
    const s1 = nextPeerWireState(s0, inn({ type: 'have', index: 1 }));
    const s2 = nextPeerWireState(s1, inn({ type: 'unchoke' }));
    const s3 = nextPeerWireState(s2, inn({ type: 'have', index: 1 }));
    expect(s0.peerPieces.count).to.equal(0);
    expect(s1.peerPieces.has(1)).to.equal(true);
    expect(s2.peerPieces).to.equal(s1.peerPieces);
    expect(s3.peerPieces).to.equal(s1.peerPieces);
    expect(s0.peerChoking).to.equal(true);
  });

  it('a later announcement replaces the pieces (aria2 sends have-none, then a bitfield)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const traffic = cold('-n-b-|', { n: inn({ type: 'have-none' }), b: inn({ type: 'bitfield', bytes: new Uint8Array([0x40, 0]) }) });
      expectObservable(traffic.pipe(trackPeerState(PIECES), map((s) => [...s.peerPieces])))
        .toBe('-n-b-|', { n: [], b: [1] });
    });
  });

  it(`errors (throwing reducer) on have-all/have-none ${MAX_PIECE_ANNOUNCEMENTS + 1}, and unsubscribes the source`, () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const traffic = cold('-a-n-a-n-a-|', { a: inn({ type: 'have-all' }), n: inn({ type: 'have-none' }), b: inn({ type: 'bitfield', bytes: new Uint8Array(2) }) });
      expectObservable(traffic.pipe(trackPeerState(PIECES), map((s) => s.announcements), errorCodes()))
        .toBe('-1-2-3-4-#', { 1: 1, 2: 2, 3: 3, 4: 4 }, 'PeerError:ERR_PEER_UNEXPECTED_MESSAGE');
      expectSubscriptions(traffic.subscriptions).toBe('^--------!');
    });
  });

  it('errors on a have out of range and a bitfield of the wrong size', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-h|', { h: inn({ type: 'have', index: PIECES }) }).pipe(trackPeerState(PIECES), errorCodes()))
        .toBe('-#', undefined, 'WireError:ERR_WIRE_INDEX_OUT_OF_RANGE');
      expectObservable(cold('-b|', { b: inn({ type: 'bitfield', bytes: new Uint8Array(3) }) }).pipe(trackPeerState(PIECES), errorCodes()))
        .toBe('-#', undefined, 'WireError:ERR_WIRE_BITFIELD_LENGTH');
    });
  });

  it('stops on early unsubscribe', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const traffic = cold('-u-u-u-|', { u: inn({ type: 'unchoke' }) });
      expectObservable(traffic.pipe(trackPeerState(PIECES), map((s) => s.messagesReceived)), '^--!').toBe('-a-', { a: 1 });
      expectSubscriptions(traffic.subscriptions).toBe('^--!');
    });
  });

  it('refuses an invalid piece count at factory time', () => {
    expect(() => trackPeerState(-1)).to.throw(WireError);
  });
});
