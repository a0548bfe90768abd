/**
 * An idle connection to libtorrent survives 150 s of real time: libtorrent drops peers it heard
 * nothing from for 120 s, so this holds only if our keep-alives go out (default every 75 s).
 */
import { expect } from 'chai';
import { mergeMap, type Subscription } from 'rxjs';
import { Bitfield, generatePeerId, type WireMessage } from '../../src/protocol/wire/index.js';
import { connectPeer, type PeerConnection } from '../../src/streams/peer/index.js';
import { LT_LISTENING, LT_PROGRESS, LT_READY, ltPeer } from '../helpers/clients.js';
import { freeUdpAndTcpPort } from '../helpers/net.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import { makeWireTorrent } from '../interop/wireTorrent.js';

const IDLE_MS = 150_000;

describe('keep-alives (heavy: 150 s of real time)', function () {
  this.timeout(IDLE_MS + 60_000);
  before(function () {
    requireTool(this, 'libtorrent');
  });
  stopAllAfterEach();
  const tmp = useTempDir();
  let subscription: Subscription | undefined;
  afterEach(() => subscription?.unsubscribe());

  it('keeps an idle connection to libtorrent open for 150 s', async () => {
    const made = await makeWireTorrent(tmp.path);
    const port = await freeUdpAndTcpPort();
    const seeder = ltPeer({ mode: 'seed', torrent: made.torrentPath, savePath: made.dataDir, port, seedMode: true, timeoutSec: 240 });
    await seeder.waitForLine(LT_LISTENING, 15_000);
    await seeder.waitForLine(LT_READY, 15_000);

    const seen: WireMessage[] = [];
    let ended: unknown;
    const connection = await new Promise<PeerConnection>((resolve, reject) => {
      subscription = connectPeer({ host: '127.0.0.1', port }, {
        infoHash: made.torrent.infoHashBytes,
        peerId: generatePeerId(),
        bitfield: () => new Bitfield(made.torrent.pieceCount),
        limits: made.limits,
      }).pipe(mergeMap((conn) => {
        resolve(conn);
        return conn.messages$;
      })).subscribe({ next: (m) => seen.push(m), error: (err: unknown) => { ended = err; reject(err); }, complete: () => (ended = 'complete') });
    });

    // Idle: we send nothing of our own for 150 s; only the keep-alive operator speaks.
    await new Promise((r) => setTimeout(r, IDLE_MS));
    expect(ended, `the connection ended: ${String(ended)}`).to.equal(undefined);
    expect(connection.closed).to.equal(false);
    const progress = seeder.lines.map((l) => LT_PROGRESS.exec(l)).filter((m) => m !== null);
    expect(progress.at(-1)?.[3], 'libtorrent no longer counts us as a peer').to.equal('1');
    expect(seeder.lines.some((l) => l.startsWith('PEER disconnect'))).to.equal(false);

    // Still usable: interested → unchoke.
    await connection.send({ type: 'interested' });
    const deadline = Date.now() + 15_000;
    while (!seen.some((m) => m.type === 'unchoke') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(seen.map((m) => m.type)).to.include('unchoke');
  });
});
