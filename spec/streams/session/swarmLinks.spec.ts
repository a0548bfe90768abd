import { expect } from 'chai';
import { VirtualTimeScheduler } from 'rxjs';
import { generatePeerId } from '../../../src/protocol/wire/index.js';
import type { LinkEvent } from '../../../src/streams/session/linkEvents.js';
import { SwarmLinks } from '../../../src/streams/session/swarmLinks.js';
import { ScriptedPeer } from './fakes.js';

const infoHash = new Uint8Array(20).fill(1);
const peer = (n: number, greeting: ScriptedPeer['received'] = []): ScriptedPeer =>
  new ScriptedPeer({ host: `127.0.0.${n}`, port: 6881 }, generatePeerId(), () => [], { infoHash, scheduler: new VirtualTimeScheduler(), greeting });
const summary = (e: LinkEvent): string => `${e.type}${e.type === 'message' ? `:${e.message.type}` : ''}@${e.peer.address.host}`;

describe('SwarmLinks: one stream of link events', () => {
  it('joined, then the messages held before anyone listened, then left; identity as data', () => {
    const links = new SwarmLinks(8);
    const seen: LinkEvent[] = [];
    links.events$.subscribe((e) => seen.push(e));
    const a = peer(2, [{ type: 'have-all' }]);
    links.adopt(a);
    a.deliver({ type: 'unchoke' });
    a.close();
    expect(seen.map(summary)).to.deep.equal(['joined@127.0.0.2', 'message:have-all@127.0.0.2', 'message:unchoke@127.0.0.2', 'left@127.0.0.2']);
    expect(seen[0]?.peer.address).to.deep.equal({ host: '127.0.0.2', port: 6881 });
    expect(seen[0]?.peer.peerId).to.equal(a.peerId);
    expect(links.size).to.equal(0);
  });

  it('a late subscriber hears of every open link first, with its state so far', () => {
    const links = new SwarmLinks(8);
    const a = peer(2, [{ type: 'have', index: 1 }, { type: 'unchoke' }]);
    links.adopt(a);
    const seen: LinkEvent[] = [];
    links.events$.subscribe((e) => seen.push(e));
    expect(seen.map(summary)).to.deep.equal(['joined@127.0.0.2']);
    const joined = seen[0];
    expect(joined?.type === 'joined' && joined.state.peerChoking === false && joined.state.peerPieces.has(1)).to.equal(true);
  });

  it('a repeated have counts once; each message carries the state before and after it', () => {
    const links = new SwarmLinks(8);
    const seen: LinkEvent[] = [];
    links.events$.subscribe((e) => seen.push(e));
    const a = peer(2);
    links.adopt(a);
    a.deliver({ type: 'have', index: 3 });
    a.deliver({ type: 'have', index: 3 });
    const last = seen.at(-1);
    expect(last?.type === 'message' && last.before.peerPieces.has(3) && last.state.peerPieces.count === 1).to.equal(true);
    expect([...links.all()][0]?.state.peerPieces.count).to.equal(1);
  });

  it('a peer that re-sends its bitfield as it gathers pieces (aria2) keeps its link; a flood of have-none ends it', () => {
    const links = new SwarmLinks(8);
    const a = peer(2, [{ type: 'have-none' }]);
    const b = peer(3, [{ type: 'have-none' }]);
    links.adopt(a);
    links.adopt(b);
    for (let i = 1; i <= 8; i++) a.deliver({ type: 'bitfield', bytes: new Uint8Array([(0xff00 >> i) & 0xff]) });
    for (let i = 0; i < 8; i++) b.deliver({ type: 'have-none' });
    expect(a.closed).to.equal(false);
    expect([...links.all()].map((l) => l.state.peerPieces.count)).to.deep.equal([8]);
    expect(b.closed).to.equal(true);
  });

  it('a message that breaks the model (a have out of range) ends that link only', () => {
    const links = new SwarmLinks(8);
    const seen: LinkEvent[] = [];
    links.events$.subscribe((e) => seen.push(e));
    const a = peer(2);
    const b = peer(3);
    links.adopt(a);
    links.adopt(b);
    a.deliver({ type: 'have', index: 8 });
    expect(a.closed).to.equal(true);
    expect(b.closed).to.equal(false);
    expect(seen.map(summary)).to.deep.equal(['joined@127.0.0.2', 'joined@127.0.0.3', 'left@127.0.0.2']);
  });

  it('send() records our side in the wire state; learnTorrent() sizes what peers said before the metadata', () => {
    const links = new SwarmLinks(undefined);
    const a = peer(2, [{ type: 'bitfield', bytes: new Uint8Array([0b1010_0000]) }]);
    const b = peer(3, [{ type: 'bitfield', bytes: new Uint8Array([0, 0, 0]) }]);
    links.adopt(a);
    links.adopt(b);
    const key = [...links.all()][0]!.peer.key;
    links.send(key, { type: 'interested' });
    expect(a.received).to.deep.equal([{ type: 'interested' }]);
    links.learnTorrent(4, { pieceCount: 4 });
    const [link] = [...links.all()];
    expect(link?.state.amInterested).to.equal(true);
    expect([...(link?.state.peerPieces ?? [])]).to.deep.equal([0, 2]);
    expect(a.limits).to.deep.equal({ pieceCount: 4 });
    expect(b.closed, 'a bitfield that does not fit the torrent').to.equal(true);
  });

  it('counts bytes over links past and present; closeAll() ends every link and the stream', () => {
    const links = new SwarmLinks(8);
    let completed = false;
    links.events$.subscribe({ complete: () => (completed = true) });
    const a = peer(2);
    links.adopt(a);
    a.deliver({ type: 'piece', index: 0, begin: 0, block: new Uint8Array(100) });
    a.close();
    const b = peer(3);
    links.adopt(b);
    b.deliver({ type: 'piece', index: 0, begin: 0, block: new Uint8Array(50) });
    expect(links.downloaded).to.equal(150);
    links.closeAll();
    expect(b.closed).to.equal(true);
    expect(completed).to.equal(true);
  });
});
