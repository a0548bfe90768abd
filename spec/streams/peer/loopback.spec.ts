/** connectPeer ↔ listenForPeers on 127.0.0.1: handshakes, greetings, messages, caps, drops. */
import { expect } from 'chai';
import { equalBytes } from '../../../src/protocol/bytes.js';
import { Bitfield, decodeExtendedHandshake, generatePeerId, type WireMessage } from '../../../src/protocol/wire/index.js';
import {
  connectPeer, createConnectionLimiter, type ConnectPeerOptions, type ConnectionLimiter, type PeerConnection,
  type TorrentPeerOptions,
} from '../../../src/streams/peer/index.js';
import { INFO_HASH, OTHER_INFO_HASH, PIECES, codeOf, listen, open, outcome, record, side, until, type Listener } from './peerHelpers.js';

describe('connectPeer ↔ listenForPeers (loopback)', function () {
  this.timeout(15_000);
  const listeners: Listener[] = [];
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
    for (const l of listeners.splice(0)) l.stop();
  });

  async function serve(bSide: TorrentPeerOptions, limiter?: ConnectionLimiter): Promise<Listener> {
    const l = await listen({ limiter, lookup: (ih) => (equalBytes(ih, INFO_HASH) ? bSide : undefined) });
    listeners.push(l);
    return l;
  }
  async function dial(port: number, aSide: TorrentPeerOptions, extra: Partial<ConnectPeerOptions> = {}) {
    const opened = await open(connectPeer({ host: '127.0.0.1', port }, { infoHash: INFO_HASH, ...aSide, ...extra }));
    cleanups.push(() => opened.subscription.unsubscribe());
    return opened;
  }
  const firstMessages = async (conn: PeerConnection, n: number): Promise<WireMessage[]> => {
    const r = record(conn.messages$);
    await until(() => r.items.length >= n);
    r.subscription.unsubscribe();
    return r.items;
  };

  it('handshakes both ways and exchanges bitfield, have-none and extension handshakes', async () => {
    const bId = generatePeerId();
    const aId = generatePeerId();
    const ext = { extensions: { ut_metadata: 3 }, client: 'B 1.0', requestQueueSize: 250, metadataSize: 1234, port: 6881 };
    const b = await serve(side([0, 5, 19], bId, { extendedHandshake: ext }));
    const a = await dial(b.port, side('none', aId));
    const bConn = (await b.next('connection')).connection;

    expect(a.connection.direction).to.equal('outbound');
    expect(a.connection.peerId).to.deep.equal(bId);
    expect(a.connection.infoHash).to.deep.equal(INFO_HASH);
    expect(a.connection.extensions).to.deep.equal({ extended: true, fast: true, dht: false, v2: false });
    expect(a.connection.address).to.deep.equal({ host: '127.0.0.1', port: b.port });
    expect(bConn.direction).to.equal('inbound');
    expect(bConn.peerId).to.deep.equal(aId);
    expect(bConn.address.host).to.equal('127.0.0.1');

    const [bitfield, extended] = await firstMessages(a.connection, 2);
    expect(bitfield?.type).to.equal('bitfield');
    if (bitfield?.type === 'bitfield') expect([...Bitfield.fromBytes(bitfield.bytes, PIECES)]).to.deep.equal([0, 5, 19]);
    expect(extended).to.include({ type: 'extended', id: 0 });
    if (extended?.type === 'extended') expect(decodeExtendedHandshake(extended.payload)).to.deep.equal(ext);
    expect(a.connection.extendedHandshake).to.deep.equal(ext);
    const [haveNone, theirExt] = await firstMessages(bConn, 2);
    expect(haveNone).to.deep.equal({ type: 'have-none' });
    expect(theirExt).to.include({ type: 'extended', id: 0 });
    expect(bConn.extendedHandshake?.client).to.match(/^rxtorrent /);
  });

  it('sends have-all as a seed when both speak BEP 6, a bitfield when one does not, nothing when empty without it', async () => {
    const b = await serve(side('all'));
    const a = await dial(b.port, side('none', undefined, { extensions: { fast: false, extended: false } }));
    const bConn = (await b.next('connection')).connection;
    const [first] = await firstMessages(a.connection, 1);
    expect(first?.type).to.equal('bitfield');
    const fast = await dial(b.port, side('none'));
    expect((await firstMessages(fast.connection, 1))[0]).to.deep.equal({ type: 'have-all' });
    // A sent nothing at all: B's first message is A's next one.
    await a.connection.send({ type: 'interested' });
    expect(await firstMessages(bConn, 1)).to.deep.equal([{ type: 'interested' }]);
  });

  it('carries messages both ways and counts payload bytes', async () => {
    const b = await serve(side('all'));
    const a = await dial(b.port, side('none'));
    const bConn = (await b.next('connection')).connection;
    const bIn = record(bConn.messages$);
    const aIn = record(a.connection.messages$);
    await a.connection.send({ type: 'interested' });
    await until(() => bIn.items.some((m) => m.type === 'interested'));
    await bConn.send({ type: 'unchoke' });
    await until(() => aIn.items.some((m) => m.type === 'unchoke'));
    await a.connection.send({ type: 'request', index: 3, begin: 16384, length: 16384 });
    await until(() => bIn.items.some((m) => m.type === 'request'));
    expect(bIn.items.at(-1)).to.deep.equal({ type: 'request', index: 3, begin: 16384, length: 16384 });
    const block = Uint8Array.from({ length: 16384 }, (_, i) => (i * 31) & 0xff);
    await bConn.send({ type: 'piece', index: 3, begin: 16384, block });
    await until(() => aIn.items.some((m) => m.type === 'piece'));
    expect(aIn.items.at(-1)).to.deep.equal({ type: 'piece', index: 3, begin: 16384, block });
    expect(a.connection.downloadedBytes).to.equal(16384);
    expect(bConn.uploadedBytes).to.equal(16384);
  });

  it('holds messages until messages$ is subscribed and stops reading meanwhile (backpressure)', async () => {
    const b = await serve(side('all'));
    const a = await dial(b.port, side('none'));
    const bConn = (await b.next('connection')).connection;
    const block = new Uint8Array(16384).fill(9);
    let sent = 0;
    let stalled: Promise<void> | undefined;
    for (; sent < 20_000 && stalled === undefined; sent++) {
      const write = bConn.send({ type: 'piece', index: sent % PIECES, begin: 0, block });
      const settled = await Promise.race([write.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 200))]);
      if (!settled) stalled = write;
    }
    expect(stalled, 'B was never slowed down').to.not.equal(undefined);
    expect(sent * 16384).to.be.below(64 << 20);
    const aIn = record(a.connection.messages$);
    await stalled;
    await until(() => aIn.items.filter((m) => m.type === 'piece').length === sent);
    const pieces = aIn.items.filter((m): m is Extract<WireMessage, { type: 'piece' }> => m.type === 'piece');
    expect(pieces.map((p) => p.index)).to.deep.equal(Array.from({ length: sent }, (_, i) => i % PIECES));
  });

  it('is unicast: a second subscriber errors, a later one continues where the first stopped', async () => {
    const b = await serve(side('all'));
    const a = await dial(b.port, side('none'));
    const bConn = (await b.next('connection')).connection;
    const first = record(a.connection.messages$);
    expect(codeOf(await outcome(a.connection.messages$))).to.equal('ERR_PEER_ALREADY_SUBSCRIBED');
    await until(() => first.items.length === 2); // have-all, extension handshake
    first.subscription.unsubscribe();
    await bConn.send({ type: 'have', index: 1 });
    await bConn.send({ type: 'unchoke' });
    const second = record(a.connection.messages$);
    await until(() => second.items.length === 2);
    expect(second.items).to.deep.equal([{ type: 'have', index: 1 }, { type: 'unchoke' }]);
  });

  it('caps connections: over the cap an inbound socket is refused, the others keep working', async () => {
    const limiter = createConnectionLimiter({ maxPeers: 2 });
    const b = await serve(side('all'), limiter);
    const a1 = await dial(b.port, side('none'));
    const a2 = await dial(b.port, side('none'));
    const third = outcome(connectPeer({ host: '127.0.0.1', port: b.port }, { infoHash: INFO_HASH, ...side('none') }));
    expect(codeOf((await b.next('refused')).error)).to.equal('ERR_PEER_OVER_CAP');
    expect(codeOf(await third)).to.equal('ERR_PEER_CLOSED');
    const conns = [(await b.next('connection')).connection, (await b.next('connection')).connection];
    const recorded = conns.map((c) => record(c.messages$));
    await a1.connection.send({ type: 'interested' });
    await a2.connection.send({ type: 'interested' });
    await until(() => recorded.every((r) => r.items.some((m) => m.type === 'interested')));
    expect(limiter.size).to.equal(2);
    a1.subscription.unsubscribe();
    await until(() => limiter.size === 1);
  });

  it('refuses an outbound dial over the cap without dialling, counting inbound and outbound together', async () => {
    const limiter = createConnectionLimiter({ maxPeers: 1 });
    const b = await serve(side('all'));
    await dial(b.port, side('none'), { limiter });
    expect(codeOf(await outcome(connectPeer({ host: '127.0.0.1', port: b.port }, { infoHash: INFO_HASH, ...side('none'), limiter }))))
      .to.equal('ERR_PEER_OVER_CAP');
    expect(b.events.filter((e) => e.type !== 'listening')).to.have.length(1);
  });

  it('drops a connection to ourselves on both ends', async () => {
    const limiter = createConnectionLimiter({ maxPeers: 10 });
    const me = side('all');
    const b = await serve(me, limiter);
    const dialled = outcome(connectPeer({ host: '127.0.0.1', port: b.port }, { infoHash: INFO_HASH, ...me, limiter }));
    expect(codeOf(await dialled)).to.equal('ERR_PEER_SELF');
    expect(codeOf((await b.next('refused')).error)).to.equal('ERR_PEER_SELF');
    await until(() => limiter.size === 0);
  });

  it('drops a second connection of the same peer id for the same torrent', async () => {
    const limiter = createConnectionLimiter({ maxPeers: 10 });
    const b = await serve(side('all'));
    const aSide = side('none');
    const first = await dial(b.port, aSide, { limiter });
    const again = outcome(connectPeer({ host: '127.0.0.1', port: b.port }, { infoHash: INFO_HASH, ...aSide, limiter }));
    expect(codeOf(await again)).to.equal('ERR_PEER_DUPLICATE');
    expect(codeOf((await b.next('refused')).error)).to.equal('ERR_PEER_DUPLICATE');
    expect(first.connection.closed).to.equal(false);
    expect(limiter.size).to.equal(1);
  });

  it('closes at once, without a handshake, a connection for an unknown info-hash', async () => {
    const b = await serve(side('all'));
    const dialled = outcome(connectPeer({ host: '127.0.0.1', port: b.port }, { infoHash: OTHER_INFO_HASH, ...side('none') }));
    expect(codeOf(await dialled)).to.equal('ERR_PEER_CLOSED');
    expect(codeOf((await b.next('refused')).error)).to.equal('ERR_PEER_UNKNOWN_INFO_HASH');
  });

  it('closes sockets on unsubscribe: the listener closes its connections, a dial closes its own', async () => {
    const b = await serve(side('all'));
    const a = await dial(b.port, side('none'));
    const bConn = (await b.next('connection')).connection;
    const aEnd = outcome(a.connection.messages$);
    const bEnd = outcome(bConn.messages$);
    b.stop();
    expect(await bEnd).to.equal('complete');
    expect(await aEnd).to.equal('complete');
    expect(await a.ended).to.equal('complete');

    const c = await serve(side('all'));
    const d = await dial(c.port, side('none'));
    const cConn = (await c.next('connection')).connection;
    const cEnd = outcome(cConn.messages$);
    d.subscription.unsubscribe();
    expect(d.connection.closed).to.equal(true);
    expect(await cEnd).to.equal('complete');
    expect(await d.connection.send({ type: 'interested' })).to.equal(undefined);
  });

  it('errors the listener with what a throwing lookup threw (a bug, as in map)', async () => {
    const bug = new Error('lookup bug');
    const l = await listen({ lookup: () => { throw bug; } });
    listeners.push(l);
    await outcome(connectPeer({ host: '127.0.0.1', port: l.port }, { infoHash: INFO_HASH, ...side('none') }));
    await until(() => l.error !== undefined);
    expect(l.error).to.equal(bug);
  });

  it('close() completes messages$ on both ends', async () => {
    const b = await serve(side('all'));
    const a = await dial(b.port, side('none'));
    const bConn = (await b.next('connection')).connection;
    const bEnd = outcome(bConn.messages$);
    const aEnd = outcome(a.connection.messages$);
    a.connection.close();
    expect(await aEnd).to.equal('complete');
    expect(await bEnd).to.equal('complete');
  });
});
