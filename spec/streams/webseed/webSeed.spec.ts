import { expect } from 'chai';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { VirtualTimeScheduler } from 'rxjs';
import type { SwarmEvent } from '../../../src/protocol/scheduler/index.js';
import { WebSeed } from '../../../src/streams/webseed/webSeed.js';
import { until } from '../../helpers/until.js';

const BODY = Buffer.from(Array.from({ length: 65_536 }, (_, i) => (i * 7) % 256));
const TORRENT = { name: 'f.bin', multiFile: false, pieceLength: 32_768, files: [{ path: ['f.bin'], relativePath: 'f.bin', offset: 0, length: BODY.length, pad: false }] };

describe('WebSeed (virtual time for its timers, a loopback server for its bytes)', () => {
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  let server: http.Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });
  after(() => agents.http.destroy());

  it('a 503 with Retry-After: leaves the scheduler, rests that long, rejoins; a burst of requests is one ranged GET', async () => {
    const ranges: string[] = [];
    server = http.createServer((req, res) => {
      ranges.push(req.headers.range ?? '');
      if (ranges.length === 1) return res.writeHead(503, { 'Retry-After': '5' }).end();
      const [, a, b] = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '') ?? [];
      res.writeHead(206, { 'Content-Range': `bytes ${a}-${b}/${BODY.length}` }).end(BODY.subarray(Number(a), Number(b) + 1));
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/f.bin`;
    const scheduler = new VirtualTimeScheduler();
    const events: SwarmEvent[] = [];
    const seed = new WebSeed(url, TORRENT, (e) => events.push(e), { agents, scheduler, idleTimeoutMs: 30_000, maxRedirects: 0 });
    const blocks = [0, 16_384].map((begin) => ({ index: 1, begin, length: 16_384 }));

    seed.join();
    expect(events.map((e) => e.type)).to.deep.equal(['peer-joined', 'have-all', 'unchoke']);
    blocks.forEach((b) => seed.request(b));
    scheduler.maxFrames = 0; // only what is due now: the burst is gathered, not the idle timeout
    scheduler.flush();
    await until(() => events.some((e) => e.type === 'peer-gone'));
    expect(seed.view()).to.include({ status: 'backoff', reason: 'HTTP 503' });

    scheduler.maxFrames = 4999;
    scheduler.flush();
    expect(events).to.have.length(4); // still resting just before Retry-After's 5 s
    scheduler.maxFrames = 5000;
    scheduler.flush();
    expect(events.map((e) => e.type).slice(4)).to.deep.equal(['peer-joined', 'have-all', 'unchoke']);
    blocks.forEach((b) => seed.request(b));
    scheduler.flush(); // the burst is gathered; the idle timer (due at 35 s) is not
    await until(() => events.filter((e) => e.type === 'block').length === 2);
    const got = events.flatMap((e) => (e.type === 'block' ? [Buffer.from(e.data)] : []));
    expect(Buffer.concat(got).equals(BODY.subarray(32_768))).to.equal(true);
    expect(ranges).to.deep.equal(['bytes=32768-65535', 'bytes=32768-65535']);
    await until(() => seed.view().status === 'active');
    expect(seed.view()).to.include({ downloaded: 32_768, ignoresRange: false });
    seed.close();
  });
});
