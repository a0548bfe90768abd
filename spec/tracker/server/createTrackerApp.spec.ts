import http from 'node:http';
import { expect } from 'chai';
import { TrackerError } from '../../../src/errors.js';
import { createTrackerApp } from '../../../src/tracker/server/createTrackerApp.js';
import type { TrackerComponents, TrackerConfig } from '../../../src/tracker/server/trackerConfig.js';
import { memoryStore } from '../../../src/tracker/store/memoryStore.js';
import type { SwarmStore } from '../../../src/tracker/store/swarmStore.js';
import { announceQuery, BINARY_INFO_HASH, escapeBytes, peerIdOf } from '../../protocol/tracker/trackerQueries.js';
import { decodeReply, failureOf, get, recordingLogger, serve } from './httpHarness.js';
import type { Served } from './httpHarness.js';

const T0 = 1_700_000_000_000;
const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');
const compact = (a: number, b: number, c: number, d: number, port: number): number[] => [a, b, c, d, port >> 8, port & 0xff];

describe('createTrackerApp over HTTP', () => {
  let served: Served | undefined;
  let clock = T0;
  const logger = recordingLogger();

  async function start(config: TrackerConfig = {}, components: TrackerComponents = {}, host?: string): Promise<number> {
    served = await serve(createTrackerApp(config, { now: () => clock, logger, ...components }), host);
    return served.port;
  }

  beforeEach(() => {
    clock = T0;
    logger.errors.length = 0;
  });
  afterEach(async () => {
    await served?.close();
    served = undefined;
    expect(logger.errors, 'no internal error was logged').to.deep.equal([]);
  });

  const announce = (port: number, fields: Parameters<typeof announceQuery>[0] = {}, options?: Parameters<typeof get>[2]) =>
    get(port, `/announce?${announceQuery(fields)}`, options);

  describe('announce', () => {
    it('keeps a binary info-hash (bytes ≥ 0x80, a %20 space) intact through announce and scrape', async () => {
      const port = await start({ interval: 900, minInterval: 90 });
      const first = await announce(port, { peer_id: peerIdOf(1), port: '7001' });
      expect(first.status).to.equal(200);
      expect(decodeReply(first)).to.deep.equal({ interval: 900, 'min interval': 90, complete: 0, incomplete: 1, peers: new Uint8Array(0) });
      const second = decodeReply(await announce(port, { peer_id: peerIdOf(2), port: '7002', left: '0' }));
      expect(second).to.deep.include({ complete: 1, incomplete: 1 });
      expect(second.peers).to.deep.equal(Uint8Array.from(compact(127, 0, 0, 1, 7001)));

      const scrape = await get(port, `/scrape?info_hash=${escapeBytes(BINARY_INFO_HASH)}`);
      expect(scrape.status).to.equal(200);
      expect(scrape.body).to.deep.equal(Buffer.concat([
        latin1('d5:filesd20:'), BINARY_INFO_HASH, latin1('d8:completei1e10:downloadedi0e10:incompletei1eeee'),
      ]));
    });

    it('treats + in info_hash as the same space byte', async () => {
      const port = await start();
      await announce(port, { peer_id: peerIdOf(1), port: '7001' });
      const plus = escapeBytes(BINARY_INFO_HASH).replace(/%20/g, '+');
      const reply = decodeReply(await announce(port, { peer_id: peerIdOf(2), port: '7002', info_hash: plus }));
      expect(reply).to.deep.include({ incomplete: 2 });
    });

    it('answers the dictionary form, with and without peer ids', async () => {
      const port = await start();
      await announce(port, { peer_id: peerIdOf(1), port: '7001' });
      const withIds = decodeReply(await announce(port, { peer_id: peerIdOf(2), port: '7002', compact: '0' }));
      expect(withIds.peers).to.deep.equal([{ ip: Uint8Array.from(latin1('127.0.0.1')), port: 7001, 'peer id': peerIdOf(1) }]);
      const withoutIds = decodeReply(await announce(port, { peer_id: peerIdOf(2), port: '7002', compact: '0', no_peer_id: '1' }));
      expect(withoutIds.peers).to.deep.equal([{ ip: Uint8Array.from(latin1('127.0.0.1')), port: 7001 }]);
    });

    it('removes a peer on stopped and counts a download on completed', async () => {
      const port = await start();
      await announce(port, { peer_id: peerIdOf(1), port: '7001' });
      await announce(port, { peer_id: peerIdOf(2), port: '7002' });
      await announce(port, { peer_id: peerIdOf(1), port: '7001', event: 'completed', left: '0' });
      const stopped = decodeReply(await announce(port, { peer_id: peerIdOf(2), port: '7002', event: 'stopped' }));
      expect(stopped).to.deep.include({ complete: 1, incomplete: 0, peers: new Uint8Array(0) });
      const scrape = await get(port, `/scrape?info_hash=${escapeBytes(BINARY_INFO_HASH)}`);
      expect(scrape.body.toString('latin1')).to.contain('d8:completei1e10:downloadedi1e10:incompletei0ee');
    });

    it('expires peers that miss their announces (2 × interval + 60 s by default)', async () => {
      const port = await start({ interval: 100 });
      await announce(port, { peer_id: peerIdOf(1), port: '7001' });
      clock = T0 + 260_000;
      expect(decodeReply(await announce(port, { peer_id: peerIdOf(2), port: '7002' })).incomplete).to.equal(2);
      clock = T0 + 260_001;
      const reply = decodeReply(await announce(port, { peer_id: peerIdOf(3), port: '7003' }));
      expect(reply.incomplete).to.equal(2);
      expect(reply.peers).to.deep.equal(Uint8Array.from(compact(127, 0, 0, 1, 7002)));
    });

    it('returns 50 peers by default and at most 200', async () => {
      const store = memoryStore();
      for (let n = 1; n <= 260; n++) {
        await store.announce({ infoHash: BINARY_INFO_HASH, peerId: peerIdOf(1000 + n), host: '10.0.0.1', port: n, seeder: true, event: 'started', numwant: 0 }, T0);
      }
      const port = await start({}, { store });
      expect((decodeReply(await announce(port)).peers as Uint8Array).length).to.equal(50 * 6);
      expect((decodeReply(await announce(port, { numwant: '1000' })).peers as Uint8Array).length).to.equal(200 * 6);
      expect((decodeReply(await announce(port, { numwant: '3' })).peers as Uint8Array).length).to.equal(3 * 6);
    });

    it('hands IPv6 peers out in peers6 and unwraps IPv4-mapped addresses (dual-stack socket)', async () => {
      const port = await start({}, {}, '::');
      await announce(port, { peer_id: peerIdOf(1), port: '7001' }, { host: '::1' });
      const reply = decodeReply(await announce(port, { peer_id: peerIdOf(2), port: '7002' }, { host: '127.0.0.1' }));
      expect(reply.peers6).to.deep.equal(Uint8Array.of(...new Array<number>(15).fill(0), 1, 7001 >> 8, 7001 & 0xff));
      const back = decodeReply(await announce(port, { peer_id: peerIdOf(1), port: '7001' }, { host: '::1' }));
      expect(back.peers).to.deep.equal(Uint8Array.from(compact(127, 0, 0, 1, 7002)));
      expect(back).not.to.have.property('peers6');
    });

    it('ignores ip unless allowIpParam, then uses it', async () => {
      let port = await start();
      await announce(port, { peer_id: peerIdOf(1), port: '7001', ip: '192.0.2.7' });
      expect(decodeReply(await announce(port, { peer_id: peerIdOf(2), port: '7002' })).peers).to.deep.equal(Uint8Array.from(compact(127, 0, 0, 1, 7001)));
      await served!.close();
      port = await start({ allowIpParam: true });
      await announce(port, { peer_id: peerIdOf(1), port: '7001', ip: '192.0.2.7' });
      expect(decodeReply(await announce(port, { peer_id: peerIdOf(2), port: '7002' })).peers).to.deep.equal(Uint8Array.from(compact(192, 0, 2, 7, 7001)));
    });

    it('takes the proxy-added X-Forwarded-For entry only with trustProxy', async () => {
      const headers = { 'X-Forwarded-For': '203.0.113.66, 198.51.100.4' };
      let port = await start();
      await announce(port, { peer_id: peerIdOf(1), port: '7001' }, { headers });
      expect(decodeReply(await announce(port, { peer_id: peerIdOf(2), port: '7002' })).peers).to.deep.equal(Uint8Array.from(compact(127, 0, 0, 1, 7001)));
      await served!.close();
      port = await start({ trustProxy: true });
      await announce(port, { peer_id: peerIdOf(1), port: '7001' }, { headers });
      expect(decodeReply(await announce(port, { peer_id: peerIdOf(2), port: '7002' })).peers).to.deep.equal(Uint8Array.from(compact(198, 51, 100, 4, 7001)));
    });

    it('answers a full swarm with a clear failure reason', async () => {
      const port = await start({}, { store: memoryStore({ maxPeersPerSwarm: 1 }) });
      await announce(port, { peer_id: peerIdOf(1), port: '7001' });
      const full = await announce(port, { peer_id: peerIdOf(2), port: '7002' });
      expect(full.status).to.equal(200);
      expect(failureOf(full)).to.equal('swarm is full: too many peers for this torrent');
    });
  });

  describe('scrape', () => {
    it('answers several info-hashes, zeros for unknown ones', async () => {
      const port = await start();
      const other = new Uint8Array(20).fill(0x20);
      await announce(port, { left: '0' });
      const reply = await get(port, `/scrape?info_hash=${escapeBytes(other)}&info_hash=${escapeBytes(BINARY_INFO_HASH)}`);
      expect(reply.body).to.deep.equal(Buffer.concat([
        latin1('d5:filesd20:'), other, latin1('d8:completei0e10:downloadedi0e10:incompletei0ee'),
        latin1('20:'), BINARY_INFO_HASH, latin1('d8:completei1e10:downloadedi0e10:incompletei0eeee'),
      ]));
    });
  });

  describe('/stats', () => {
    it('reports swarms, seeders, leechers, requests served and uptime as JSON', async () => {
      const port = await start();
      await announce(port, { peer_id: peerIdOf(1), port: '7001', left: '0' });
      await announce(port, { peer_id: peerIdOf(2), port: '7002' });
      await announce(port, { peer_id: peerIdOf(3), port: '7003', info_hash: new Uint8Array(20) });
      await announce(port, { port: '0' });
      await get(port, `/scrape?info_hash=${escapeBytes(BINARY_INFO_HASH)}`);
      clock = T0 + 12_345;
      const reply = await get(port, '/stats');
      expect(reply.status).to.equal(200);
      expect(reply.headers['content-type']).to.match(/^application\/json/);
      expect(JSON.parse(reply.body.toString('utf8'))).to.deep.equal({
        swarms: 2, seeders: 1, leechers: 2, announces: 3, scrapes: 1, failures: 1, uptimeSeconds: 12,
      });
    });
  });

  describe('internal errors', () => {
    const broken: SwarmStore = {
      announce: async () => { throw new Error('redis://admin:hunter2@10.0.0.5 refused'); },
      scrape: async () => { throw new Error('redis://admin:hunter2@10.0.0.5 refused'); },
      stats: async () => { throw new Error('redis://admin:hunter2@10.0.0.5 refused'); },
      sweep: async () => undefined,
      close: async () => undefined,
    };

    const paths: Array<[string, string]> = [
      ['/announce', `/announce?${announceQuery()}`],
      ['/scrape', `/scrape?info_hash=${escapeBytes(BINARY_INFO_HASH)}`],
      ['/stats', '/stats'],
    ];
    for (const [route, path] of paths) {
      it(`${route}: logs the error and answers 200 "internal error", never its text`, async () => {
        const port = await start({}, { store: broken });
        const reply = await get(port, path);
        expect(reply.status).to.equal(200);
        expect(failureOf(reply)).to.equal('internal error');
        expect(reply.body.toString('latin1')).not.to.contain('hunter2');
        expect(logger.errors).to.have.length(1);
        logger.errors.length = 0;
      });
    }

    it('survives a logger that throws', async () => {
      const port = await start({}, { store: broken, logger: { error: () => { throw new Error('disk full'); } } });
      const reply = await get(port, `/announce?${announceQuery()}`);
      expect(reply.status).to.equal(200);
      expect(failureOf(reply)).to.equal('internal error');
    });
  });

  describe('routing and config', () => {
    it('answers 404 elsewhere and 405 for other methods', async () => {
      const port = await start();
      expect((await get(port, '/nothing')).status).to.equal(404);
      const post = await new Promise<number>((resolve, reject) => {
        http.request({ host: '127.0.0.1', port, path: '/announce', method: 'POST', agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject).end();
      });
      expect(post).to.equal(405);
    });

    const bad: TrackerConfig[] = [{ interval: 0 }, { interval: 1.5 }, { minInterval: 700 }, { maxNumwant: -1 }, { defaultNumwant: 300 }, { maxQueryLength: 0 }];
    for (const config of bad) {
      it(`refuses ${JSON.stringify(config)} at creation`, () => {
        expect(() => createTrackerApp(config)).to.throw(TrackerError).with.property('code', 'ERR_TRACKER_BAD_CONFIG');
      });
    }
  });
});
