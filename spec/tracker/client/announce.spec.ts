import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { filter, firstValueFrom, lastValueFrom, Observable, share, tap, VirtualTimeScheduler } from 'rxjs';
import { TrackerError } from '../../../src/errors.js';
import { encodeBencode } from '../../../src/protocol/bencode/index.js';
import type { AnnounceParams } from '../../../src/protocol/tracker/announceQuery.js';
import { encodeFailure } from '../../../src/protocol/tracker/reply.js';
import { announce } from '../../../src/tracker/client/announce.js';
import type { AnnounceConfig } from '../../../src/tracker/client/announce.js';
import { announceEvery } from '../../../src/tracker/client/announceEvery.js';
import type { AnnounceEveryConfig, TransferStats } from '../../../src/tracker/client/announceEveryConfig.js';
import { createTrackerApp } from '../../../src/tracker/server/createTrackerApp.js';
import { BINARY_INFO_HASH, escapeBytes, peerIdOf } from '../../protocol/tracker/trackerQueries.js';
import { decodeReply, get, serve } from '../server/httpHarness.js';
import type { Served } from '../server/httpHarness.js';

const params = (n: number, extra: Partial<AnnounceParams> = {}): AnnounceParams => ({
  infoHash: BINARY_INFO_HASH, peerId: peerIdOf(n), port: 7000 + n, uploaded: 0, downloaded: 0, left: 1000, event: 'started', ...extra,
});

async function codeOf(reply$: Observable<unknown>): Promise<string | undefined> {
  try {
    await lastValueFrom(reply$);
    return undefined;
  } catch (err) {
    if (!(err instanceof TrackerError)) throw err;
    return err.code;
  }
}

/** A bare HTTP server whose handler the test writes. */
async function rawServer(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/announce`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describe('announce over HTTP', () => {
  let tracker: Served | undefined;
  let raw: { url: string; close(): Promise<void> } | undefined;
  const start = async (): Promise<string> => {
    tracker = await serve(createTrackerApp({ interval: 900, minInterval: 90 }));
    return `http://127.0.0.1:${tracker.port}/announce`;
  };
  afterEach(async () => {
    await tracker?.close();
    await raw?.close();
    tracker = raw = undefined;
  });

  it('keeps a binary info-hash (bytes ≥ 0x80, a space) intact through our tracker', async () => {
    const url = await start();
    const first = await firstValueFrom(announce(url, params(1)));
    expect(first).to.deep.include({ interval: 900, minInterval: 90, complete: 0, incomplete: 1, peers: [] });
    const second = await firstValueFrom(announce(url, params(2, { left: 0 })));
    expect(second).to.deep.include({ complete: 1, incomplete: 1, peers: [{ host: '127.0.0.1', port: 7001 }] });
    const scrape = await get(tracker!.port, `/scrape?info_hash=${escapeBytes(BINARY_INFO_HASH)}`);
    expect(scrape.body.includes(Buffer.concat([Buffer.from('20:'), BINARY_INFO_HASH]))).to.equal(true);
  });

  it('announces from localAddress, so the tracker records that address', async () => {
    const url = await start();
    await firstValueFrom(announce(url, params(1), { localAddress: '127.0.0.2' }));
    const reply = await firstValueFrom(announce(url, params(2), { localAddress: '0.0.0.0' }));
    expect(reply.peers).to.deep.equal([{ host: '127.0.0.2', port: 7001 }]);
  });

  it('turns a failure reason into ERR_TRACKER_FAILURE_REASON, also on a 4xx', async () => {
    let status = 200;
    raw = await rawServer((_req, res) => res.writeHead(status).end(encodeFailure('unregistered torrent')));
    const err = await lastValueFrom(announce(raw.url, params(1))).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(TrackerError).and.include({ code: 'ERR_TRACKER_FAILURE_REASON', message: 'unregistered torrent' });
    status = 400;
    expect(await codeOf(announce(raw.url, params(1)))).to.equal('ERR_TRACKER_FAILURE_REASON');
  });

  it('reports other HTTP statuses, malformed and oversized replies', async () => {
    let respond: (res: http.ServerResponse) => void = (res) => res.writeHead(404).end('not found');
    raw = await rawServer((_req, res) => respond(res));
    expect(await codeOf(announce(raw.url, params(1)))).to.equal('ERR_TRACKER_HTTP_STATUS');
    respond = (res) => res.end('<html>oops</html>');
    expect(await codeOf(announce(raw.url, params(1)))).to.equal('ERR_TRACKER_BAD_RESPONSE');
    const big = encodeBencode({ interval: 1, peers: new Uint8Array(6000).fill(1) });
    respond = (res) => res.end(big);
    expect(await codeOf(announce(raw.url, params(1), { maxResponseBytes: 5000 }))).to.equal('ERR_TRACKER_RESPONSE_TOO_LARGE');
    respond = (res) => {
      res.write(big.subarray(0, 3000)); // chunked: no content-length to refuse up front
      setImmediate(() => res.end(big.subarray(3000)));
    };
    expect(await codeOf(announce(raw.url, params(1), { maxResponseBytes: 5000 }))).to.equal('ERR_TRACKER_RESPONSE_TOO_LARGE');
    expect((await firstValueFrom(announce(raw.url, params(1)))).peers).to.have.length(1000);
  });

  it('gives typed errors for an unknown scheme, a bad URL and a closed port', async () => {
    expect(await codeOf(announce('udp://127.0.0.1/announce', params(1)))).to.equal('ERR_TRACKER_BAD_URL');
    expect(await codeOf(announce('wss://tracker.example', params(1)))).to.equal('ERR_TRACKER_UNSUPPORTED_PROTOCOL');
    expect(await codeOf(announce('not a url', params(1)))).to.equal('ERR_TRACKER_BAD_URL');
    const url = await start();
    await tracker!.close();
    tracker = undefined;
    expect(await codeOf(announce(url, params(1)))).to.equal('ERR_TRACKER_UNREACHABLE');
    expect(() => announce(url, params(1, { port: 0 }))).to.throw(TrackerError, /port/);
  });

  /** A server that never answers; `arrived` resolves on the request, `closed` when its socket closes. */
  async function silentServer(): Promise<{ arrived: Promise<void>; closed: () => Promise<void> }> {
    let closed: Promise<void> | undefined;
    let arrive!: () => void;
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    raw = await rawServer((req) => {
      closed = new Promise((done) => req.socket.once('close', () => done()));
      arrive();
    });
    return { arrived, closed: () => closed! };
  }

  it('times out on the injected scheduler, destroying the request', async () => {
    const server = await silentServer();
    const scheduler = new VirtualTimeScheduler();
    const result = lastValueFrom(announce(raw!.url, params(1), { scheduler, timeoutMs: 5000 })).catch((e: unknown) => e);
    await server.arrived;
    scheduler.flush();
    expect(await result).to.include({ code: 'ERR_TRACKER_TIMEOUT' });
    await server.closed();
  });

  it('aborts the request on unsubscribe', async () => {
    const server = await silentServer();
    const subscription = announce(raw!.url, params(1)).subscribe();
    await server.arrived;
    subscription.unsubscribe();
    await server.closed();
  });
  it('with unref, uses the socket idle timeout instead of a scheduler timer', async () => {
    raw = await rawServer(() => undefined);
    const config: AnnounceConfig = { unref: true, timeoutMs: 50, scheduler: new VirtualTimeScheduler() };
    expect(await codeOf(announce(raw.url, params(1), config))).to.equal('ERR_TRACKER_TIMEOUT');
  });

  it('runs announceEvery against our tracker: peers found, stopped delivered', async () => {
    const url = await start();
    const stats$ = new Observable<TransferStats>((s) => s.next({ uploaded: 0, downloaded: 0, left: 10 }));
    const config = (n: number): AnnounceEveryConfig => ({ infoHash: BINARY_INFO_HASH, peerId: peerIdOf(n), port: 7000 + n, host: `127.0.0.${n + 2}` });
    let stoppedDone!: () => void;
    const stopped = new Promise<void>((resolve) => (stoppedDone = resolve));
    const first$ = announceEvery([[url]], stats$, config(1), {
      announce: (u, p, c) => announce(u, p, c).pipe(tap({ complete: () => p.event === 'stopped' && stoppedDone() })),
    }).pipe(share());
    const answered = firstValueFrom(first$.pipe(filter((e) => e.type === 'status')));
    const firstSubscription = first$.subscribe();
    expect(await answered).to.include({ ok: true, event: 'started' });

    const second$ = announceEvery([[url]], stats$, config(2)).pipe(share());
    const peers = firstValueFrom(second$.pipe(filter((e) => e.type === 'peers')));
    const secondSubscription = second$.subscribe();
    expect(await peers).to.deep.equal({ type: 'peers', tracker: url, peers: [{ host: '127.0.0.3', port: 7001 }] });

    firstSubscription.unsubscribe();
    await stopped;
    const scrape = decodeReply(await get(tracker!.port, `/scrape?info_hash=${escapeBytes(BINARY_INFO_HASH)}`));
    expect(Object.values(scrape.files as Record<string, { incomplete: number }>)[0]!.incomplete).to.equal(1);
    secondSubscription.unsubscribe();
  });
});
