import { expect } from 'chai';
import { Subject } from 'rxjs';
import type { PieceVerdict } from '../../../src/protocol/pieces/index.js';
import { banFlow, DEPARTED_PEERS_KEPT } from '../../../src/streams/session/banFlow.js';
import type { Ban, LinkEvent } from '../../../src/streams/session/linkEvents.js';
import { HandPeer } from './flowHelpers.js';

const verdict = (type: 'verified' | 'failed', index: number, blockPeers: string[]): PieceVerdict => ({
  type, index, data: new Uint8Array(blockPeers.length * 16384).fill(type === 'failed' ? 1 : 0), peers: [...new Set(blockPeers)], blockPeers,
});

describe('banFlow', () => {
  function setup(threshold = 2) {
    const links$ = new Subject<LinkEvent>();
    const verdicts$ = new Subject<PieceVerdict>();
    const blamed$ = new Subject<string>();
    const bans: Ban[] = [];
    banFlow({ links$, verdicts$, threshold, blamed$ }).subscribe((b) => bans.push(b));
    return { links$, verdicts$, blamed$, bans };
  }

  it('a peer proven to have sent a bad block (v2 block hashes) is banned at once, and only once', () => {
    const { links$, verdicts$, blamed$, bans } = setup();
    const bad = new HandPeer(4, 8);
    links$.next(bad.joined());
    blamed$.next('p4');
    expect(bans.map((b) => b.peer.key)).to.deep.equal(['p4']);
    verdicts$.next(verdict('failed', 0, ['p4', 'p4']));
    verdicts$.next(verdict('failed', 1, ['p4', 'p4']));
    blamed$.next('p4');
    blamed$.next('p9');
    expect(bans).to.have.length(1);
  });

  it('two bad pieces from one peer: banned, with its address and id as data', () => {
    const { links$, verdicts$, bans } = setup();
    const bad = new HandPeer(4, 8);
    links$.next(bad.joined());
    verdicts$.next(verdict('failed', 0, ['p4', 'p4']));
    expect(bans).to.have.length(0);
    verdicts$.next(verdict('failed', 1, ['p4', 'p4']));
    expect(bans.map((b) => b.peer.address)).to.deep.equal([{ host: '127.0.0.4', port: 6881 }]);
    expect(bans[0]?.peer.peerId).to.equal(bad.connection.peerId);
  });

  it('a peer that already left is banned all the same (smart ban: its block differed from the good piece)', () => {
    const { links$, verdicts$, bans } = setup(10);
    const bad = new HandPeer(4, 8);
    const good = new HandPeer(5, 8);
    links$.next(bad.joined());
    links$.next(good.joined());
    // p4's block is the bad one; p5's matches the good piece.
    verdicts$.next({ ...verdict('failed', 0, ['p4', 'p5']), data: Uint8Array.from({ length: 2 * 16384 }, (_, i) => (i < 16384 ? 1 : 0)) });
    links$.next(bad.left());
    verdicts$.next({ ...verdict('verified', 0, ['p5', 'p5']), data: new Uint8Array(2 * 16384) });
    expect(bans.map((b) => b.peer.key)).to.deep.equal(['p4']);
  });

  it(`keeps at most ${DEPARTED_PEERS_KEPT} departed identities`, () => {
    const { links$, verdicts$, bans } = setup(1);
    const first = new HandPeer(2, 8);
    links$.next(first.joined());
    links$.next(first.left());
    for (let i = 0; i < DEPARTED_PEERS_KEPT; i++) {
      const p = new HandPeer(3, 8);
      const ev = { ...p.joined(), peer: { ...p.peer, key: `x${i}` } };
      links$.next(ev);
      links$.next({ type: 'left', peer: ev.peer, state: p.state });
    }
    verdicts$.next(verdict('failed', 0, ['p2']));
    expect(bans, 'forgotten: nothing to ban by address').to.have.length(0);
  });
});
