import { expect } from 'chai';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { asyncScheduler, lastValueFrom, toArray } from 'rxjs';
import { WebSeedError } from '../../../src/errors.js';
import { httpRange, type HttpRangeEvent } from '../../../src/streams/webseed/httpRange.js';

const BODY = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));

/** A loopback server whose handler each spec sets. */
function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  })));
}

/** Honours `Range: bytes=a-b` with a 206. */
const ranged: http.RequestListener = (req, res) => {
  const [, a, b] = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '') ?? [];
  const start = Number(a);
  const end = Number(b);
  res.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${BODY.length}`, 'Content-Length': end - start + 1 });
  res.end(BODY.subarray(start, end + 1));
};

describe('httpRange', () => {
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  const options = { agents, scheduler: asyncScheduler, idleTimeoutMs: 10_000, maxRedirects: 2 };
  let server: { url: string; close: () => Promise<void> } | undefined;
  afterEach(async () => server?.close());
  after(() => agents.http.destroy());

  const bytesOf = (events: HttpRangeEvent[]): Buffer => Buffer.concat(events.flatMap((e) => (e.type === 'data' ? [e.data] : [])));
  const failure = async (run: Promise<unknown>): Promise<WebSeedError> => run.then(() => expect.fail('no error'), (err: unknown) => {
    expect(err).to.be.instanceOf(WebSeedError);
    return err as WebSeedError;
  });

  it('a 206: exactly the bytes asked for, over one kept-alive connection', async () => {
    const sockets = new Set<unknown>();
    server = await serve((req, res) => {
      sockets.add(req.socket);
      ranged(req, res);
    });
    for (const start of [0, 70_000]) {
      const events = await lastValueFrom(httpRange(`${server.url}/f`, start, 20_000, options).pipe(toArray()));
      expect(bytesOf(events).equals(BODY.subarray(start, start + 20_000))).to.equal(true);
    }
    expect(sockets.size).to.equal(1);
  });

  it('a 200 with the whole body (Range ignored): read through, the bytes before the range dropped', async () => {
    server = await serve((_req, res) => res.end(BODY));
    const events = await lastValueFrom(httpRange(`${server.url}/f`, 65_000, 30_000, options).pipe(toArray()));
    expect(events[0]).to.deep.equal({ type: 'whole-body' });
    expect(bytesOf(events).equals(BODY.subarray(65_000, 95_000))).to.equal(true);
  });

  it('a 200 for a range past maxSkipBytes: ERR_WEBSEED_WHOLE_FILE; within it, read through', async () => {
    server = await serve((_req, res) => res.end(BODY));
    const err = await failure(lastValueFrom(httpRange(`${server.url}/f`, 50_001, 100, { ...options, maxSkipBytes: 50_000 })));
    expect([err.code, err.status]).to.deep.equal(['ERR_WEBSEED_WHOLE_FILE', 200]);
    expect(err.message).to.match(/ignores Range: byte 50001 is past the 50000 bytes/);
    const within = await lastValueFrom(httpRange(`${server.url}/f`, 500, 100, { ...options, maxSkipBytes: 500 }).pipe(toArray()));
    expect(bytesOf(within).equals(BODY.subarray(500, 600))).to.equal(true);
  });

  it('a 503 with Retry-After: ERR_WEBSEED_STATUS with the status and the wait', async () => {
    server = await serve((_req, res) => res.writeHead(503, { 'Retry-After': '30' }).end());
    const err = await failure(lastValueFrom(httpRange(`${server.url}/f`, 0, 10, options)));
    expect([err.code, err.status, err.retryAfterMs]).to.deep.equal(['ERR_WEBSEED_STATUS', 503, 30_000]);
  });

  it('redirects are followed up to the bound, then ERR_WEBSEED_REDIRECTS', async () => {
    server = await serve((req, res) => (req.url === '/final' ? ranged(req, res) : res.writeHead(302, { Location: `${req.url}x` }).end()));
    const fine = await lastValueFrom(httpRange(`${server.url}/final`, 5, 5, options).pipe(toArray()));
    expect(bytesOf(fine).equals(BODY.subarray(5, 10))).to.equal(true);
    expect((await failure(lastValueFrom(httpRange(`${server.url}/a`, 0, 10, options)))).code).to.equal('ERR_WEBSEED_REDIRECTS');
  });

  it('a 206 for other bytes, or a body cut short: typed errors', async () => {
    server = await serve((req, res) => {
      if (req.url === '/wrong') return res.writeHead(206, { 'Content-Range': `bytes 0-9/${BODY.length}` }).end(BODY.subarray(0, 10));
      res.writeHead(200, { 'Content-Length': 100 });
      res.write(BODY.subarray(0, 50));
      res.socket?.destroy();
    });
    expect((await failure(lastValueFrom(httpRange(`${server.url}/wrong`, 20, 10, options)))).code).to.equal('ERR_WEBSEED_BAD_RANGE');
    const short = await failure(lastValueFrom(httpRange(`${server.url}/short`, 0, 100, options)));
    expect(short.code).to.be.oneOf(['ERR_WEBSEED_SHORT_BODY', 'ERR_WEBSEED_IO']);
  });
});
