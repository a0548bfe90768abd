import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { VirtualTimeScheduler } from 'rxjs';
import type { SwarmEvent } from '../../../src/protocol/scheduler/index.js';
import { MAX_SHARED_FAILURES } from '../../../src/streams/webseed/webSeed.js';
import { MAX_WEB_SEEDS, WebSeeds } from '../../../src/streams/session/webSeeds.js';
import { fixture, until } from './faultHelpers.js';

const { torrent } = fixture(100_000);
const request = (peer: string, index = 0) => ({ type: 'send' as const, peer, message: { type: 'request' as const, index, begin: 0, length: 16_384 } });
const failed = (index: number, peers: string[]) => ({ type: 'failed' as const, index, data: new Uint8Array(0), peers, blockPeers: peers });

describe('WebSeeds (a session\'s web seeds; virtual time for timers, loopback servers for bytes)', () => {
  let server: http.Server | undefined;
  let seeds: WebSeeds | undefined;
  afterEach(async () => {
    seeds?.close();
    server?.closeAllConnections();
    await new Promise((r) => (server === undefined ? r(undefined) : server.close(r)));
    server = undefined;
  });

  async function serve(handler: http.RequestListener): Promise<string> {
    server = http.createServer(handler);
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/f.bin`;
  }

  it(`uses at most ${MAX_WEB_SEEDS} servers of a url-list, each once, http(s) only`, () => {
    const urls = ['ftp://127.0.0.1/f', 'http://127.0.0.1:1/a', 'http://127.0.0.1:1/a', ...Array.from({ length: 12 }, (_, i) => `https://127.0.0.1:1/${i}`)];
    seeds = new WebSeeds(torrent, urls, new VirtualTimeScheduler());
    const views = seeds.views().map((v) => v.url);
    expect(views).to.have.length(MAX_WEB_SEEDS);
    expect(views.slice(0, 2)).to.deep.equal(['http://127.0.0.1:1/a', 'https://127.0.0.1:1/0']);
  });

  it('a server that accepts the request and sends nothing: after 30 s (the default) it rests, the timeout named', async () => {
    let asked = 0;
    const url = await serve(() => void asked++);
    const scheduler = new VirtualTimeScheduler();
    seeds = new WebSeeds(torrent, [url], scheduler);
    const events: SwarmEvent[] = [];
    seeds.events$.subscribe((e) => events.push(e));
    seeds.start();
    seeds.send(request(`web:${url}`));
    scheduler.maxFrames = 0;
    scheduler.flush(); // the burst is gathered: the GET goes out
    await until(() => asked === 1);
    scheduler.maxFrames = 29_999;
    scheduler.flush();
    expect(seeds.views()[0]?.status).to.equal('active');
    scheduler.maxFrames = 30_000;
    scheduler.flush();
    expect(seeds.views()[0]).to.include({ status: 'backoff', reason: `no data from ${url} for 30000 ms` });
    expect(events.at(-1)).to.deep.equal({ type: 'peer-gone', peer: `web:${url}` });
  });

  it(`failed pieces it shared with peers: dropped at the ${MAX_SHARED_FAILURES}rd; pieces it had no part in do not count`, async () => {
    const url = 'http://127.0.0.1:1/f.bin';
    seeds = new WebSeeds(torrent, [url], new VirtualTimeScheduler());
    seeds.start();
    const key = `web:${url}`;
    seeds.verdict(failed(0, ['peer-a', 'peer-b']));
    seeds.verdict({ ...failed(1, [key]), type: 'verified' });
    for (let i = 1; i < MAX_SHARED_FAILURES; i++) seeds.verdict(failed(10 + i, [key, 'peer-a']));
    expect(seeds.views()[0]?.status).to.equal('active');
    seeds.verdict(failed(20, ['peer-a', key]));
    expect(seeds.views()[0]).to.include({ status: 'dropped', reason: 'piece 20 failed its hash' });
  });

  it('a redirect loop: dropped, the bound named, after 1 + 5 GETs', async () => {
    let gets = 0;
    const url = await serve((req, res) => {
      gets++;
      res.writeHead(302, { Location: req.url ?? '/' }).end();
    });
    const scheduler = new VirtualTimeScheduler();
    seeds = new WebSeeds(torrent, [url], scheduler);
    seeds.start();
    seeds.send(request(`web:${url}`));
    scheduler.maxFrames = 0;
    scheduler.flush();
    await until(() => seeds?.views()[0]?.status === 'dropped');
    expect(seeds.views()[0]?.reason).to.equal(`more than 5 redirects from ${url}`);
    expect(gets).to.equal(6);
  });
});
