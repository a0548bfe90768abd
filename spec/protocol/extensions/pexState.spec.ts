import { expect } from 'chai';
import fc from 'fast-check';
import { PexFlags, PexState, type PexMessage, type PexPeer } from '../../../src/protocol/extensions/index.js';
import { extCode } from './extFixtures.js';

const peer = (n: number, flags = 0): PexPeer => ({ address: { host: `10.0.${n >> 8}.${n & 0xff}`, port: 6881 }, flags });
const peers = (from: number, to: number): PexPeer[] => Array.from({ length: to - from }, (_, i) => peer(from + i));
const hosts = (m: PexMessage | undefined): { added: string[]; dropped: string[] } =>
  ({ added: m?.added.map((p) => p.address.host) ?? [], dropped: m?.dropped.map((a) => a.host) ?? [] });

describe('PexState (BEP 11, one connection)', () => {
  it('sends the first message at once, then at most once a minute', () => {
    const pex = new PexState();
    expect(hosts(pex.update([peer(1, PexFlags.seed)], 0))).to.deep.equal({ added: ['10.0.0.1'], dropped: [] });
    expect(pex.update([peer(1), peer(2)], 59_999)).to.equal(undefined);
    expect(hosts(pex.update([peer(1), peer(2)], 60_000))).to.deep.equal({ added: ['10.0.0.2'], dropped: [] });
  });

  it('reports dropped peers, and sends nothing when nothing changed', () => {
    const pex = new PexState();
    pex.update([peer(1), peer(2)], 0);
    expect(pex.update([peer(1), peer(2)], 60_000)).to.equal(undefined);
    // Nothing was sent at 60 s, so the next change may go out at once.
    expect(hosts(pex.update([peer(2), peer(3)], 61_000))).to.deep.equal({ added: ['10.0.0.3'], dropped: ['10.0.0.1'] });
    expect(pex.update([peer(2)], 100_000)).to.equal(undefined);
    expect(hosts(pex.update([], 121_000))).to.deep.equal({ added: [], dropped: ['10.0.0.2', '10.0.0.3'] });
  });

  it('keeps flags, skips the remote peer itself, host names and duplicates', () => {
    const pex = new PexState({ remote: peer(1).address });
    const m = pex.update([peer(1), peer(2, PexFlags.seed | PexFlags.connectable), peer(2), { address: { host: 'x.example', port: 1 }, flags: 0 }], 0);
    expect(m).to.deep.equal({ added: [peer(2, PexFlags.seed | PexFlags.connectable)], dropped: [] });
  });

  it('sends at most 50 added and 50 dropped; the rest go in the next messages', () => {
    const pex = new PexState();
    const first = pex.update(peers(0, 120), 0);
    expect(first?.added).to.have.length(50);
    expect(pex.update(peers(0, 120), 60_000)?.added).to.have.length(50);
    const third = pex.update(peers(60, 130), 120_000);
    expect(third?.added).to.have.length(30); // 100..119 untold, and 120..129 new
    expect(third?.dropped).to.have.length(50);
    const fourth = pex.update(peers(60, 130), 180_000);
    expect(hosts(fourth)).to.deep.equal({ added: [], dropped: peers(50, 60).map((p) => p.address.host) });
  });

  it('never tells a peer about the same peer twice without a drop between (property)', () => {
    const step = fc.record({ set: fc.uniqueArray(fc.integer({ min: 0, max: 150 }), { maxLength: 120 }), dt: fc.integer({ min: 0, max: 120_000 }) });
    fc.assert(fc.property(fc.array(step, { maxLength: 15 }), (steps) => {
      const pex = new PexState();
      const told = new Set<string>();
      let now = 0;
      let lastSent = -Infinity;
      for (const { set, dt } of steps) {
        now += dt;
        const m = pex.update(set.map((n) => peer(n)), now);
        if (m === undefined) continue;
        expect(now - lastSent).to.be.at.least(60_000);
        lastSent = now;
        expect(m.added.length).to.be.at.most(50);
        expect(m.dropped.length).to.be.at.most(50);
        for (const a of m.dropped) expect(told.delete(a.host)).to.equal(true);
        for (const p of m.added) {
          expect(told.has(p.address.host)).to.equal(false);
          told.add(p.address.host);
        }
      }
    }));
  });

  it('a private torrent (BEP 27) sends and accepts nothing', () => {
    const pex = new PexState({ private: true });
    expect(pex.enabled).to.equal(false);
    expect(pex.update(peers(0, 10), 0)).to.equal(undefined);
    expect(pex.update(peers(0, 10), 1_000_000)).to.equal(undefined);
    expect(pex.receive({ added: [peer(1)], dropped: [] }, 0)).to.equal(undefined);
  });

  it('accepts received messages at most about once a minute', () => {
    const pex = new PexState({ minReceiveIntervalMs: 45_000 });
    const m = { added: [peer(1)], dropped: [] };
    expect(pex.receive(m, 0)).to.equal(m);
    expect(pex.receive(m, 44_999)).to.equal(undefined);
    expect(pex.receive(m, 45_000)).to.equal(m);
  });

  it('checks its configuration', () => {
    expect(extCode(() => new PexState({ maxAdded: 51 }))).to.equal('ERR_EXT_INVALID_ARGUMENT');
    expect(extCode(() => new PexState({ maxDropped: 0 }))).to.equal('ERR_EXT_INVALID_ARGUMENT');
    expect(extCode(() => new PexState({ intervalMs: -1 }))).to.equal('ERR_EXT_INVALID_ARGUMENT');
  });
});
