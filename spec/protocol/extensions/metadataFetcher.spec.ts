import { expect } from 'chai';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { ExtensionError } from '../../../src/errors.js';
import { encodeBencode } from '../../../src/protocol/bencode/index.js';
import {
  METADATA_PIECE_LENGTH,
  MetadataFetcher,
  metadataPieceLength,
  type MetadataActions,
  type MetadataFetcherConfig,
  type MetadataMessage,
} from '../../../src/protocol/extensions/index.js';
import { parseInfoDict } from '../../../src/protocol/metainfo/index.js';
import { bytesOf, extCode, sha1 } from './extFixtures.js';

/** A real info dict of 2000 pieces: 40 KB of metadata, three 16 KiB metadata pieces. */
const INFO = encodeBencode({ length: 2000 * 16384, name: 'big.bin', 'piece length': 16384, pieces: bytesOf(2000 * 20) });
const SIZE = INFO.length;
const HASH = sha1(INFO);
/** A one-piece info dict. */
const SMALL = encodeBencode({ length: 5, name: 'a', 'piece length': 16384, pieces: bytesOf(20) });

const slice = (info: Uint8Array, piece: number): Uint8Array =>
  info.subarray(piece * METADATA_PIECE_LENGTH, piece * METADATA_PIECE_LENGTH + metadataPieceLength(info.length, piece));
const data = (piece: number, info = INFO): MetadataMessage => ({ type: 'data', piece, totalSize: info.length, data: slice(info, piece) });
const bad = (piece: number, info = INFO): MetadataMessage => ({ type: 'data', piece, totalSize: info.length, data: slice(info, piece).map((b) => b ^ 1) });
const reject = (piece: number): MetadataMessage => ({ type: 'reject', piece });
const requests = (a: MetadataActions): string[] => a.requests.map((r) => `${r.peer}:${r.piece}`);
const drops = (a: MetadataActions): string[] => a.dropPeers.map((d) => `${d.peer}:${d.error.code}`);

describe('MetadataFetcher (BEP 9 download side)', () => {
  it('fetches from one peer, a few pieces in flight, and returns the verified info dict', () => {
    const f = new MetadataFetcher({ infoHash: HASH });
    expect(f.status.state).to.equal('waiting');
    expect(requests(f.peerJoined('a', undefined, 0))).to.deep.equal([]);
    expect(requests(f.peerJoined('a', SIZE, 0))).to.deep.equal(['a:0', 'a:1']);
    expect(f.status).to.include({ state: 'fetching', metadataSize: SIZE, pieceCount: 3, piecesReceived: 0 });
    expect(requests(f.received('a', data(1), 10))).to.deep.equal(['a:2']);
    expect(f.received('a', data(0), 20).done).to.equal(undefined);
    const last = f.received('a', data(2), 30);
    expect(last.done).to.deep.equal(INFO);
    expect(last.dropPeers).to.deep.equal([]);
    expect(parseInfoDict(last.done!).infoHashBytes).to.deep.equal(HASH);
    expect(f.status.state).to.equal('done');
    expect(f.tick(1_000_000)).to.deep.equal({ requests: [], dropPeers: [] });
  });

  it('v2 magnets (BEP 52): the metadata must have the SHA-256, and the swarm id must fit it', () => {
    const v2 = new Uint8Array(createHash('sha256').update(SMALL).digest());
    const fetch = (config: Omit<MetadataFetcherConfig, 'maxHashFailures'>) => {
      const f = new MetadataFetcher({ ...config, maxHashFailures: 1 });
      f.peerJoined('a', SMALL.length, 0);
      return f.received('a', data(0, SMALL), 1);
    };
    expect(fetch({ infoHash: v2.subarray(0, 20), infoHashV2: v2 }).done).to.deep.equal(SMALL); // v2-only: truncated id
    expect(fetch({ infoHash: sha1(SMALL), infoHashV2: v2 }).done).to.deep.equal(SMALL); // hybrid: both hashes
    const wrongV2 = v2.map((b, i) => (i === 31 ? b ^ 1 : b));
    expect(fetch({ infoHash: sha1(SMALL), infoHashV2: wrongV2 }).failed?.code).to.equal('ERR_EXT_METADATA_HASH_MISMATCH');
    expect(fetch({ infoHash: new Uint8Array(20), infoHashV2: v2 }).failed?.code).to.equal('ERR_EXT_METADATA_HASH_MISMATCH');
    expect(extCode(() => new MetadataFetcher({ infoHash: sha1(SMALL), infoHashV2: v2.subarray(1) }))).to.equal('ERR_EXT_INVALID_ARGUMENT');
  });

  it('spreads pieces over peers', () => {
    const f = new MetadataFetcher({ infoHash: HASH });
    expect(requests(f.peerJoined('a', SIZE, 0))).to.deep.equal(['a:0', 'a:1']);
    expect(requests(f.peerJoined('b', SIZE, 0))).to.deep.equal(['b:2']);
    const g = new MetadataFetcher({ infoHash: HASH, maxInFlightPerPeer: 1 });
    const joined = ['a', 'b', 'c'].flatMap((p) => requests(g.peerJoined(p, SIZE, 0)));
    expect(joined).to.deep.equal(['a:0', 'b:1', 'c:2']);
  });

  it('three peers, one sends a wrong piece: hash mismatch, refetch from one peer, the liar is blamed', () => {
    const f = new MetadataFetcher({ infoHash: HASH, maxInFlightPerPeer: 1 });
    for (const p of ['a', 'b', 'c']) f.peerJoined(p, SIZE, 0);
    f.received('a', data(0), 1);
    f.received('b', bad(1), 1);
    const mismatch = f.received('c', data(2), 1);
    // Three senders: nobody can be blamed yet; the next attempt takes every piece from one peer.
    expect(mismatch.done).to.equal(undefined);
    expect(mismatch.dropPeers).to.deep.equal([]);
    expect(requests(mismatch)).to.deep.equal(['a:0']);
    expect(f.status.hashFailures).to.equal(1);
    expect(requests(f.received('a', data(0), 2))).to.deep.equal(['a:1']);
    expect(requests(f.received('a', data(1), 3))).to.deep.equal(['a:2']);
    const done = f.received('a', data(2), 4);
    expect(done.done).to.deep.equal(INFO);
    expect(drops(done)).to.deep.equal(['b:ERR_EXT_METADATA_HASH_MISMATCH']);
  });

  it('a lone sender of bad metadata is blamed at once, and another peer finishes', () => {
    const f = new MetadataFetcher({ infoHash: HASH });
    f.peerJoined('a', SIZE, 0);
    f.received('a', bad(0), 1);
    f.received('a', data(1), 1);
    expect(requests(f.peerJoined('b', SIZE, 2))).to.deep.equal([]);
    const failed = f.received('a', data(2), 3);
    expect(drops(failed)).to.deep.equal(['a:ERR_EXT_METADATA_HASH_MISMATCH']);
    expect(requests(failed)).to.deep.equal(['b:0', 'b:1']);
    expect(f.peerJoined('a', SIZE, 4).requests).to.deep.equal([]); // banned: not taken back
    f.received('b', data(0), 5);
    f.received('b', data(1), 5);
    expect(f.received('b', data(2), 5).done).to.deep.equal(INFO);
  });

  it('a peer that never answers times out and another peer is asked; its late answer is ignored', () => {
    const f = new MetadataFetcher({ infoHash: sha1(SMALL), requestTimeoutMs: 10_000 });
    expect(requests(f.peerJoined('a', SMALL.length, 0))).to.deep.equal(['a:0']);
    expect(requests(f.peerJoined('b', SMALL.length, 0))).to.deep.equal([]);
    expect(requests(f.tick(9_999))).to.deep.equal([]);
    expect(requests(f.tick(10_000))).to.deep.equal(['b:0']);
    expect(f.received('a', data(0, SMALL), 10_001)).to.deep.equal({ requests: [], dropPeers: [] });
    expect(f.received('b', data(0, SMALL), 10_002).done).to.deep.equal(SMALL);
  });

  it('a reject sends the piece to another peer, and the rejecting peer backs off', () => {
    const f = new MetadataFetcher({ infoHash: sha1(SMALL), retryDelayMs: 5_000 });
    f.peerJoined('a', SMALL.length, 0);
    f.peerJoined('b', SMALL.length, 0);
    expect(requests(f.received('a', reject(0), 1))).to.deep.equal(['b:0']);
    expect(requests(f.received('b', reject(0), 2))).to.deep.equal([]);
    expect(requests(f.tick(5_000))).to.deep.equal([]);
    expect(requests(f.tick(5_001))).to.deep.equal(['a:0']);
  });

  it('a peer that leaves hands its requests to others', () => {
    const f = new MetadataFetcher({ infoHash: HASH, maxInFlightPerPeer: 3 });
    expect(requests(f.peerJoined('a', SIZE, 0))).to.deep.equal(['a:0', 'a:1', 'a:2']);
    f.peerJoined('b', SIZE, 0);
    f.received('a', data(0), 1);
    expect(requests(f.peerLeft('a', 2))).to.deep.equal(['b:1', 'b:2']);
  });

  it('refuses metadata_size above the cap, and gives up if nobody announces less', () => {
    const f = new MetadataFetcher({ infoHash: HASH, giveUpAfterMs: 60_000 });
    expect(f.peerJoined('a', 32 * 1024 * 1024, 0)).to.deep.equal({ requests: [], dropPeers: [] });
    expect(f.tick(59_999).failed).to.equal(undefined);
    const gaveUp = f.tick(60_000);
    expect(gaveUp.failed).to.be.instanceOf(ExtensionError);
    expect(gaveUp.failed?.code).to.equal('ERR_EXT_METADATA_TOO_LARGE');
    expect(f.status.state).to.equal('failed');
    const small = new MetadataFetcher({ infoHash: HASH, maxMetadataSize: SIZE - 1 });
    expect(small.peerJoined('a', SIZE, 0).requests).to.deep.equal([]);
  });

  it('bounded retries: gives up with ERR_EXT_METADATA_UNAVAILABLE when nobody can serve', () => {
    const f = new MetadataFetcher({ infoHash: HASH, maxFailuresPerPeer: 3, retryDelayMs: 1_000, giveUpAfterMs: 30_000 });
    let pending = [...f.peerJoined('a', SIZE, 0).requests, ...f.peerJoined('b', SIZE, 0).requests];
    let asked = 0;
    let failed: ExtensionError | undefined;
    for (let now = 1; failed === undefined && now < 1_000_000; now += 1_000) {
      const next: typeof pending = [];
      for (const r of pending) {
        asked++;
        next.push(...f.received(r.peer, reject(r.piece), now).requests);
      }
      const tick = f.tick(now);
      pending = [...next, ...tick.requests];
      failed = tick.failed;
    }
    expect(failed?.code).to.equal('ERR_EXT_METADATA_UNAVAILABLE');
    expect(asked).to.be.at.most(2 * 3 + 2); // each peer is asked until it failed 3 times
  });

  it('a peer announcing another size than the others is not asked', () => {
    const f = new MetadataFetcher({ infoHash: HASH, maxInFlightPerPeer: 1 });
    f.peerJoined('a', SIZE, 0);
    f.peerJoined('b', SIZE, 0);
    expect(requests(f.peerJoined('c', SIZE + 1, 0))).to.deep.equal([]); // a:0 and b:1 are out; c is not trusted
    expect(requests(f.peerLeft('b', 1))).to.deep.equal([]);
    expect(requests(f.received('a', data(0), 2))).to.deep.equal(['a:1']);
    expect(requests(f.received('a', data(1), 3))).to.deep.equal(['a:2']);
    expect(f.received('a', data(2), 4).done).to.deep.equal(INFO);
  });

  it('data with a total_size other than announced gets the peer dropped', () => {
    const f = new MetadataFetcher({ infoHash: sha1(SMALL) });
    f.peerJoined('a', SMALL.length, 0);
    f.peerJoined('b', SMALL.length, 0);
    const out = f.received('a', { type: 'data', piece: 0, totalSize: SMALL.length + 1, data: new Uint8Array(SMALL.length + 1) }, 1);
    expect(drops(out)).to.deep.equal(['a:ERR_EXT_METADATA_SIZE_MISMATCH']);
    expect(requests(out)).to.deep.equal(['b:0']);
  });

  it('liars outvoting the honest peer on the size are found out', () => {
    const f = new MetadataFetcher({ infoHash: sha1(SMALL) });
    const fake = SMALL.length + 10;
    expect(requests(f.peerJoined('x', fake, 0))).to.deep.equal(['x:0']);
    expect(requests(f.peerJoined('y', fake, 0))).to.deep.equal([]);
    expect(requests(f.peerJoined('h', SMALL.length, 0))).to.deep.equal([]);
    const first = f.received('x', { type: 'data', piece: 0, totalSize: fake, data: new Uint8Array(fake) }, 1);
    expect(drops(first)).to.deep.equal(['x:ERR_EXT_METADATA_HASH_MISMATCH']);
    expect(requests(first)).to.deep.equal(['y:0']);
    const second = f.received('y', { type: 'data', piece: 0, totalSize: fake, data: new Uint8Array(fake) }, 2);
    expect(drops(second)).to.deep.equal(['y:ERR_EXT_METADATA_HASH_MISMATCH']);
    expect(requests(second)).to.deep.equal(['h:0']);
    expect(f.received('h', data(0, SMALL), 3).done).to.deep.equal(SMALL);
  });

  it('gives up after too many hash failures', () => {
    const f = new MetadataFetcher({ infoHash: sha1(SMALL), maxHashFailures: 2 });
    for (const p of ['a', 'b', 'c']) f.peerJoined(p, SMALL.length, 0);
    f.received('a', bad(0, SMALL), 1);
    const out = f.received('b', bad(0, SMALL), 2);
    expect(drops(out)).to.deep.equal(['b:ERR_EXT_METADATA_HASH_MISMATCH']);
    expect(out.failed?.code).to.equal('ERR_EXT_METADATA_HASH_MISMATCH');
    expect(out.requests).to.deep.equal([]);
  });

  it('ignores requests, unknown peers and unsolicited data', () => {
    const f = new MetadataFetcher({ infoHash: HASH });
    f.peerJoined('a', SIZE, 0);
    expect(f.received('a', { type: 'request', piece: 0 }, 1)).to.deep.equal({ requests: [], dropPeers: [] });
    expect(f.received('z', data(0), 1)).to.deep.equal({ requests: [], dropPeers: [] });
    expect(f.received('a', data(2), 1)).to.deep.equal({ requests: [], dropPeers: [] });
    expect(f.status.piecesReceived).to.equal(0);
  });

  it('checks its configuration', () => {
    const cases: Partial<MetadataFetcherConfig>[] = [
      { infoHash: new Uint8Array(19) }, { maxMetadataSize: 0 }, { maxInFlightPerPeer: 0 }, { requestTimeoutMs: 0 },
      { maxFailuresPerPeer: 0 }, { retryDelayMs: -1 }, { maxHashFailures: 0 }, { giveUpAfterMs: 1.5 },
    ];
    for (const c of cases) {
      expect(extCode(() => new MetadataFetcher({ infoHash: HASH, ...c }))).to.equal('ERR_EXT_INVALID_ARGUMENT');
    }
    expect(extCode(() => new MetadataFetcher({ infoHash: HASH }).peerJoined('a', 0.5, 0))).to.equal('ERR_EXT_INVALID_ARGUMENT');
  });

  describe('a swarm of honest, lying, rejecting and silent peers (property)', () => {
    type Behaviour = 'honest' | 'liar' | 'sizeLiar' | 'rejector' | 'silent';
    const behaviour = fc.constantFrom<Behaviour>('honest', 'liar', 'sizeLiar', 'rejector', 'silent');

    it('always ends with the right metadata, and only misbehaving peers are dropped', () => {
      fc.assert(
        fc.property(fc.array(behaviour, { maxLength: 5 }), fc.nat({ max: 5 }), fc.nat(), (others, at, seed) => {
          const kinds = [...others];
          kinds.splice(at % (kinds.length + 1), 0, 'honest');
          const f = new MetadataFetcher({ infoHash: HASH, maxHashFailures: 20 });
          const queue: { peer: string; piece: number }[] = [];
          const dropped = new Set<string>();
          let done: Uint8Array | undefined;
          let failed: ExtensionError | undefined;
          const act = (a: MetadataActions): void => {
            queue.push(...a.requests);
            for (const d of a.dropPeers) dropped.add(d.peer);
            done ??= a.done;
            failed ??= a.failed;
          };
          const fake = SIZE + 1000;
          kinds.forEach((k, i) => act(f.peerJoined(`p${i}`, k === 'sizeLiar' ? fake : SIZE, 0)));
          let now = 0;
          let rng = seed;
          for (let step = 0; step < 20_000 && done === undefined && failed === undefined; step++) {
            now += 100;
            if (queue.length === 0) {
              act(f.tick(now));
              continue;
            }
            rng = (rng * 1103515245 + 12345) >>> 0;
            const [r] = queue.splice(rng % queue.length, 1);
            const { peer, piece } = r!;
            if (dropped.has(peer)) continue;
            const kind = kinds[Number(peer.slice(1))]!;
            if (kind === 'honest') act(f.received(peer, data(piece), now));
            else if (kind === 'liar') act(f.received(peer, bad(piece), now));
            else if (kind === 'rejector') act(f.received(peer, reject(piece), now));
            else if (kind === 'sizeLiar') {
              act(f.received(peer, { type: 'data', piece, totalSize: fake, data: new Uint8Array(metadataPieceLength(fake, piece)) }, now));
            }
          }
          expect(failed, failed?.message).to.equal(undefined);
          expect(done).to.deep.equal(INFO);
          for (const peer of dropped) expect(kinds[Number(peer.slice(1))]).to.be.oneOf(['liar', 'sizeLiar']);
        }),
        { numRuns: 150 },
      );
    });
  });
});
