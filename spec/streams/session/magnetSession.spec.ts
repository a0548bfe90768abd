/**
 * Magnet downloads against hostile metadata (issue 11), in process over 127.0.0.1: raw peers that
 * announce a wrong or oversize `metadata_size`, serve another info dict, send pieces out of range
 * or never answer, next to one honest rxtorrent seeder — the download drops them and completes
 * byte-identical — and swarms with no honest peer, where the fetch gives up with a typed error.
 * Cases that hinge on BEP 9 timeouts (15 s per request, 60 s before giving up) run the leecher on
 * a clock 20–50× faster than the wall clock (`fastScheduler`): the session API has no knob for
 * the metadata fetcher's timeouts. The per-peer errors never leave the metadata phase (the peer is
 * just hung up on), so each liar's bytes are also put to the core to name the typed error.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SchedulerLike } from 'rxjs';
import { ExtensionError, MetainfoError } from '../../../src/errors.js';
import { encodeBencode } from '../../../src/protocol/bencode/index.js';
import { decodeMetadataMessage, DEFAULT_MAX_METADATA_SIZE, MetadataFetcher } from '../../../src/protocol/extensions/index.js';
import { parseMagnet, type Torrent } from '../../../src/protocol/metainfo/index.js';
import { memoryStorage } from '../../../src/streams/storage/index.js';
import { useTempDir } from '../../helpers/tmp.js';
import { fixture, startSeeder, until, type Recorded, type Seeder } from './faultHelpers.js';
import {
  fastScheduler, leechMagnet, linkOf, rawDataMessage, rawMetadataPeer, servePieces, type MetadataAnswer, type RawMetadataPeer,
} from './magnetHelpers.js';

/** 14 MiB in 16 KiB pieces: an 18 KB info dict, so two metadata pieces (the last one short). */
const LENGTH = 14 * 1024 * 1024 + 5;
const PIECE_LENGTH = 16 * 1024;

/**
 * What the core makes of what a raw peer sent, had it announced `size`: the code of the
 * `ExtensionError` the decoder throws or the fetcher blames the peer with, or `'accepted'`.
 */
function coreVerdict(infoHash: Uint8Array, size: number, sent: readonly Uint8Array[]): string {
  const fetcher = new MetadataFetcher({ infoHash });
  let asked = fetcher.peerJoined('p', size, 0).requests.length;
  for (const payload of sent) {
    let actions;
    try {
      const message = decodeMetadataMessage(payload, { metadataSize: size });
      if (message === undefined) continue;
      actions = fetcher.received('p', message, 0);
    } catch (err) {
      expect(err).to.be.instanceOf(ExtensionError);
      return (err as ExtensionError).code;
    }
    const [blamed] = actions.dropPeers;
    if (blamed !== undefined) return blamed.error.code;
    if (actions.failed !== undefined) return actions.failed.code;
    asked += actions.requests.length;
  }
  return asked > 0 ? 'accepted' : 'never asked';
}

describe('magnet downloads against hostile metadata (in process, loopback)', function () {
  this.timeout(30_000);
  const tmp = useTempDir();
  let cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups = [];
  });

  let torrent: Torrent;
  let data: Uint8Array;
  /** Another info dict of the same length: same name and size, other piece hashes. */
  let otherInfo: Uint8Array;
  before(() => {
    ({ torrent, data } = fixture(LENGTH, PIECE_LENGTH));
    otherInfo = fixture(LENGTH, PIECE_LENGTH, 99).torrent.infoBytes;
    expect(otherInfo.length).to.equal(torrent.infoBytes.length);
    expect(Buffer.from(otherInfo).equals(Buffer.from(torrent.infoBytes))).to.equal(false);
  });

  const addr = (port: number): string => `127.0.0.1:${port}`;

  async function honestSeeder(): Promise<number> {
    const seeder = await startSeeder(torrent, memoryStorage(torrent, { data }));
    cleanups.push(() => seeder.stop());
    return seeder.port;
  }

  async function raw(metadataSize: number | undefined, answer?: MetadataAnswer, scheduler?: SchedulerLike): Promise<RawMetadataPeer> {
    const peer = await rawMetadataPeer({ infoHash: torrent.infoHashBytes, metadataSize, answer, scheduler });
    cleanups.push(() => peer.stop());
    return peer;
  }

  /** A magnet leecher given `ports` as `x.pe` peers, saving under the temp dir. */
  async function leech(ports: number[], scheduler?: SchedulerLike): Promise<Recorded & { port: number }> {
    const { run, port } = await leechMagnet(linkOf(torrent, { peers: ports.map(addr) }), { dir: tmp.path }, { scheduler });
    cleanups.push(() => run.subscription.unsubscribe());
    return Object.assign(run, { port });
  }

  /** An honest seeder that dials the leecher listening on `port` (it is in no magnet link). */
  async function honestSeederDialling(port: number): Promise<Seeder> {
    const seeder = await startSeeder(torrent, memoryStorage(torrent, { data }), {}, { peers: [{ host: '127.0.0.1', port }] });
    cleanups.push(() => seeder.stop());
    return seeder;
  }

  async function expectComplete(run: Recorded): Promise<void> {
    expect(await run.end).to.equal('complete');
    expect(run.states[0]?.status).to.equal('metadata');
    expect(run.latest()?.status).to.equal('done');
    expect((await readFile(join(tmp.path, torrent.name))).equals(Buffer.from(data)), 'byte-identical').to.equal(true);
  }

  async function expectGaveUp(run: Recorded, code: string): Promise<void> {
    const end = await run.end;
    expect(end, String(end)).to.be.instanceOf(ExtensionError);
    expect((end as ExtensionError).code).to.equal(code);
    expect(run.states.every((s) => s.status === 'metadata')).to.equal(true);
    expect(await readdir(tmp.path)).to.deep.equal([]);
  }

  describe('with one honest seeder (there from the start, or dialling in once the liar showed itself), the download completes byte-identical', () => {
    it('only the honest seeder (the baseline)', async () => {
      await expectComplete(await leech([await honestSeeder()]));
    });

    it('a peer announcing a wrong metadata_size, then sending the real size: hung up on, the honest seeder finishes', async () => {
      const real = torrent.infoBytes.length;
      // Alone at first, its size wins the vote and it is asked; it answers with the real metadata,
      // whose total_size contradicts what it announced.
      const liar = await raw(real + 1000, servePieces(torrent.infoBytes));
      const run = await leech([liar.port]);
      await until(() => liar.hungUpOn > 0, 5000, 'the liar was never hung up on');
      expect(coreVerdict(torrent.infoHashBytes, real + 1000, liar.sent)).to.equal('ERR_EXT_METADATA_SIZE_MISMATCH');
      expect(run.latest()?.status).to.equal('metadata');
      await honestSeederDialling(run.port);
      await expectComplete(run);
    });

    it('a seeder of another info dict answering for this info-hash: hash mismatch, the peer is dropped', async () => {
      const liar = await raw(otherInfo.length, servePieces(otherInfo));
      // The liar first, alone: it is asked for everything and fails the SHA-1 (a lone sender is blamed at once).
      const run = await leech([liar.port]);
      await until(() => liar.hungUpOn > 0, 5000, 'the liar was never hung up on');
      expect(liar.requests.slice(0, 2)).to.deep.equal([0, 1]);
      expect(coreVerdict(torrent.infoHashBytes, otherInfo.length, liar.sent)).to.equal('ERR_EXT_METADATA_HASH_MISMATCH');
      expect(run.latest()?.status).to.equal('metadata');
      // Only then does an honest seeder turn up (it dials in).
      await honestSeederDialling(run.port);
      await expectComplete(run);
    });

    it(`an oversize metadata_size (over the ${DEFAULT_MAX_METADATA_SIZE / 2 ** 20} MiB cap): never asked`, async () => {
      const huge = await raw(DEFAULT_MAX_METADATA_SIZE + 1, () => rawDataMessage(0, DEFAULT_MAX_METADATA_SIZE + 1, new Uint8Array(16384)));
      const run = await leech([huge.port, await honestSeeder()]);
      await expectComplete(run);
      expect(huge.connections).to.be.at.least(1);
      expect(huge.requests).to.deep.equal([]);
    });

    it('piece indexes out of range (just past the end, 2^31 − 1): hung up on, no crash, the honest seeder finishes', async () => {
      const size = torrent.infoBytes.length;
      let n = 0;
      const wild = await raw(size, () => rawDataMessage(n++ % 2 === 0 ? 2 : 0x7fffffff, size, new Uint8Array(16384)));
      const run = await leech([wild.port]);
      await until(() => wild.hungUpOn > 0, 5000, 'the peer sending bad indexes was never hung up on');
      expect(coreVerdict(torrent.infoHashBytes, size, wild.sent)).to.equal('ERR_EXT_BAD_PIECE');
      await honestSeederDialling(run.port);
      await expectComplete(run);
    });

    it('a peer that never answers: its requests time out (15 s on a 20× clock) and go to the honest seeder', async () => {
      const scheduler = fastScheduler(20);
      const staller = await raw(torrent.infoBytes.length, undefined, scheduler);
      // The staller alone first, so it surely holds both metadata pieces when the seeder comes.
      const run = await leech([staller.port], scheduler);
      await until(() => staller.requests.length >= 2, 5000, 'the staller was never asked');
      const started = Date.now();
      await honestSeederDialling(run.port);
      await expectComplete(run);
      expect(Date.now() - started, 'well within 15 s of wall clock').to.be.below(10_000);
    });

    it('a seeder that dialled in serves the metadata and then the pieces over that one connection (never dialled back)', async () => {
      const run = await leech([]);
      const seeder = await honestSeederDialling(run.port);
      await expectComplete(run);
      // The leecher never dials: its only peer is the seeder's inbound connection, in both phases.
      expect(run.states.every((s) => s.peers.every((p) => p.direction === 'inbound'))).to.equal(true);
      expect(seeder.states.every((s) => s.peers.length <= 1)).to.equal(true);
      await until(() => (seeder.states[seeder.states.length - 1]?.uploaded ?? 0) >= torrent.length, 5000, 'the seeder never reported its upload');
    });

    it('all of them at once, and one honest seeder', async () => {
      const scheduler = fastScheduler(20);
      const size = torrent.infoBytes.length;
      const liars = [
        await raw(size + 1000, servePieces(torrent.infoBytes), scheduler),
        await raw(otherInfo.length, servePieces(otherInfo), scheduler),
        await raw(DEFAULT_MAX_METADATA_SIZE + 1, undefined, scheduler),
        await raw(size, (piece) => rawDataMessage(piece + 2, size, new Uint8Array(16384)), scheduler),
        await raw(size, undefined, scheduler),
        await raw(undefined, undefined, scheduler),
      ];
      const run = await leech([...liars.map((l) => l.port), await honestSeeder()], scheduler);
      await expectComplete(run);
    });
  });

  describe('no honest peer at all: the fetch gives up with a typed error', () => {
    it('only a peer that never answers: ERR_EXT_METADATA_UNAVAILABLE (≈ 2 min of BEP 9 timeouts on a 50× clock)', async () => {
      const scheduler = fastScheduler(50);
      const staller = await raw(torrent.infoBytes.length, undefined, scheduler);
      const started = Date.now();
      const run = await leech([staller.port], scheduler);
      await expectGaveUp(run, 'ERR_EXT_METADATA_UNAVAILABLE');
      expect(staller.requests.length).to.be.at.least(2);
      expect(Date.now() - started).to.be.below(10_000);
    });

    it('only a peer announcing metadata over the cap: ERR_EXT_METADATA_TOO_LARGE', async () => {
      const scheduler = fastScheduler(50);
      const huge = await raw(DEFAULT_MAX_METADATA_SIZE + 1, undefined, scheduler);
      const run = await leech([huge.port], scheduler);
      await expectGaveUp(run, 'ERR_EXT_METADATA_TOO_LARGE');
      expect(huge.requests).to.deep.equal([]);
    });

    it('only a seeder of another info dict (it keeps coming back): ERR_EXT_METADATA_HASH_MISMATCH after 5 failures', async () => {
      const scheduler = fastScheduler(50);
      const liar = await raw(otherInfo.length, servePieces(otherInfo), scheduler);
      const run = await leech([liar.port], scheduler);
      await expectGaveUp(run, 'ERR_EXT_METADATA_HASH_MISMATCH');
      // Each dial is a fresh connection, asked afresh, hung up on after its SHA-1 failure.
      expect(liar.connections).to.be.at.least(5);
    });

    it('metadata that matches the info-hash but is no torrent: the session errors with a MetainfoError, no crash', async () => {
      const info = encodeBencode({ name: 'not a torrent', note: 'no pieces, no length' });
      const infoHash = new Uint8Array(createHash('sha1').update(info).digest());
      const peer = await rawMetadataPeer({ infoHash, metadataSize: info.length, answer: servePieces(info) });
      cleanups.push(() => peer.stop());
      const link = { ...parseMagnet(`magnet:?xt=urn:btih:${Buffer.from(infoHash).toString('hex')}`), peers: [addr(peer.port)] };
      const { run } = await leechMagnet(link, { dir: tmp.path });
      cleanups.push(() => run.subscription.unsubscribe());
      const end = await run.end;
      expect(end, String(end)).to.be.instanceOf(MetainfoError);
      expect((end as MetainfoError).code).to.equal('ERR_METAINFO_MISSING_FIELD');
    });
  });
});

