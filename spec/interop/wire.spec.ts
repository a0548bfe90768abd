/**
 * Our wire protocol against libtorrent 2.0 on 127.0.0.1: we dial a libtorrent seeder and fetch a
 * block; a libtorrent leecher dials our listener, reads our bitfield and asks for a block.
 */
import { expect } from 'chai';
import { firstValueFrom, mergeMap, filter, type Subscription } from 'rxjs';
import { equalBytes } from '../../src/protocol/bytes.js';
import { Bitfield, generatePeerId, type WireMessage, type WireMessageOf } from '../../src/protocol/wire/index.js';
import { connectPeer, listenForPeers, type PeerConnection } from '../../src/streams/peer/index.js';
import { LT_LISTENING, LT_READY, ltPeer } from '../helpers/clients.js';
import { freeUdpAndTcpPort } from '../helpers/net.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import { makeWireTorrent } from './wireTorrent.js';

/** Resolves with the first message (already seen or future) of one of `types`. */
function waitFor<T extends WireMessage['type']>(seen: WireMessage[], types: T | readonly T[], ms = 15_000): Promise<WireMessageOf<T>> {
  const wanted: readonly string[] = typeof types === 'string' ? [types] : types;
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      const found = seen.find((m) => wanted.includes(m.type));
      if (found !== undefined) resolve(found as WireMessageOf<T>);
      else if (Date.now() > deadline) reject(new Error(`no ${wanted.join('/')} within ${ms} ms; got ${seen.map((m) => m.type).join(', ')}`));
      else setTimeout(poll, 10);
    };
    poll();
  });
}

describe('wire interop with libtorrent', function () {
  this.timeout(30_000);
  before(function () {
    requireTool(this, 'libtorrent');
  });
  stopAllAfterEach();
  const tmp = useTempDir();
  const subscriptions: Subscription[] = [];
  afterEach(() => {
    for (const s of subscriptions.splice(0)) s.unsubscribe();
  });

  it('connectPeer to a libtorrent seeder: handshake, have-all, interested, unchoke, one 16 KiB block', async () => {
    const made = await makeWireTorrent(tmp.path);
    const port = await freeUdpAndTcpPort();
    const seeder = ltPeer({ mode: 'seed', torrent: made.torrentPath, savePath: made.dataDir, port, seedMode: true, timeoutSec: 60 });
    await seeder.waitForLine(LT_LISTENING, 15_000);
    await seeder.waitForLine(LT_READY, 15_000);

    const seen: WireMessage[] = [];
    const connection = await new Promise<PeerConnection>((resolve, reject) => {
      subscriptions.push(connectPeer({ host: '127.0.0.1', port }, {
        infoHash: made.torrent.infoHashBytes,
        peerId: generatePeerId(),
        bitfield: () => new Bitfield(made.torrent.pieceCount),
        limits: made.limits,
        localAddress: '127.0.0.1',
      }).pipe(mergeMap((conn) => {
        resolve(conn);
        return conn.messages$;
      })).subscribe({ next: (m) => seen.push(m), error: reject }));
    });
    expect(connection.extensions.extended).to.equal(true);
    expect(connection.extensions.fast).to.equal(true);
    expect(String.fromCharCode(...connection.peerId.subarray(0, 3))).to.equal('-LT');
    // libtorrent announces a complete seed with BEP 6 have-all (or a full bitfield).
    const first = await waitFor(seen, ['have-all', 'bitfield']);
    if (first.type === 'bitfield') expect(Bitfield.fromBytes(first.bytes, made.torrent.pieceCount).isComplete).to.equal(true);
    const extension = await firstValueFrom(connection.extendedHandshake$);
    expect(extension.client).to.match(/libtorrent/i);

    await connection.send({ type: 'interested' });
    await waitFor(seen, 'unchoke');
    const index = 3;
    await connection.send({ type: 'request', index, begin: 16384, length: 16384 });
    const piece = await waitFor(seen, 'piece');
    expect(piece.index).to.equal(index);
    expect(piece.begin).to.equal(16384);
    const offset = index * made.torrent.pieceLength + 16384;
    expect(equalBytes(piece.block, made.payload.subarray(offset, offset + 16384))).to.equal(true);
    expect(connection.downloadedBytes).to.equal(16384);
  });

  it('a libtorrent leecher dialling listenForPeers reads our bitfield and sends interested, then a request we serve', async () => {
    const made = await makeWireTorrent(tmp.path);
    const { pieceCount } = made.torrent;
    const ours = Bitfield.full(pieceCount);
    ours.clear(pieceCount - 1); // not a seed: our pieces go out as a bitfield
    const seen: WireMessage[] = [];
    const connections: PeerConnection[] = [];
    const listening = new Promise<number>((resolve, reject) => {
      subscriptions.push(listenForPeers({
        host: '127.0.0.1',
        port: 0,
        lookup: (ih) => (equalBytes(ih, made.torrent.infoHashBytes) ? { peerId: generatePeerId(), bitfield: () => ours, limits: made.limits } : undefined),
      }).pipe(
        filter((e) => e.type !== 'refused'),
        mergeMap((e) => {
          if (e.type === 'listening') resolve(e.address.port);
          if (e.type !== 'connection') return [];
          connections.push(e.connection);
          return e.connection.messages$;
        }),
      ).subscribe({ next: (m) => seen.push(m), error: reject }));
    });
    const ourPort = await listening;
    const port = await freeUdpAndTcpPort();
    const leecher = ltPeer({ mode: 'leech', torrent: made.torrentPath, savePath: tmp.path + '/leech', port, peers: [`127.0.0.1:${ourPort}`], timeoutSec: 60 });
    await leecher.waitForLine(LT_LISTENING, 15_000);

    await waitFor(seen, 'interested');
    const connection = connections[0]!;
    expect(connection.direction).to.equal('inbound');
    expect(String.fromCharCode(...connection.peerId.subarray(0, 3))).to.equal('-LT');
    await connection.send({ type: 'unchoke' });
    const request = await waitFor(seen, 'request');
    expect(ours.has(request.index)).to.equal(true);
    expect(request.length).to.be.at.most(16384);
    const offset = request.index * made.torrent.pieceLength + request.begin;
    await connection.send({ type: 'piece', index: request.index, begin: request.begin, block: made.payload.subarray(offset, offset + request.length) });
    expect(connection.uploadedBytes).to.equal(request.length);
  });
});
