import { expect } from 'chai';
import { VirtualTimeScheduler } from 'rxjs';
import type { Observable } from 'rxjs';
import type { AnnounceParams } from '../../../src/protocol/tracker/announceQuery.js';
import type { AnnounceResponse } from '../../../src/protocol/tracker/announceResponse.js';
import { encodeUdpAnnounceReply, encodeUdpConnectReply, encodeUdpError } from '../../../src/protocol/tracker/udpReply.js';
import { parseUdpRequest } from '../../../src/protocol/tracker/udpRequest.js';
import type { UdpRequest } from '../../../src/protocol/tracker/udpRequest.js';
import type { UdpChannelHandlers, UdpChannelOptions } from '../../../src/tracker/client/udpChannel.js';
import { UdpConnectionCache } from '../../../src/tracker/client/udpConnectionCache.js';
import { createUdpTransport, udpRetransmitDelayMs } from '../../../src/tracker/client/udpTransport.js';
import { BINARY_INFO_HASH, peerIdOf } from '../../protocol/tracker/trackerQueries.js';

const URL_ = new URL('udp://127.0.0.1:6969/announce');
const ID = Uint8Array.of(9, 9, 9, 9, 9, 9, 9, 9);
const LATENCY_MS = 10;
const params = (): AnnounceParams => ({
  infoHash: BINARY_INFO_HASH, peerId: peerIdOf(1), port: 7001, uploaded: 0, downloaded: 0, left: 100, event: 'started',
});
const REPLY = { interval: 600, minInterval: 60, complete: 1, incomplete: 2, peers: [{ peerId: peerIdOf(2), host: '10.0.0.2', port: 7002 }] };

/** What a scripted tracker answers to a request (undefined: it stays silent). */
type Script = (request: UdpRequest) => Uint8Array | undefined;

/** A transport over a fake channel whose tracker answers per `script`, after LATENCY_MS virtual ms. */
function harness(script: Script) {
  const scheduler = new VirtualTimeScheduler();
  const sent: Array<{ atMs: number; request: UdpRequest }> = [];
  const opened: UdpChannelOptions[] = [];
  let closed = 0;
  let handlers: UdpChannelHandlers | undefined;
  const cache = new UdpConnectionCache();
  let txid = 100;
  const transport = createUdpTransport({
    connectionIds: cache,
    transactionId: () => txid++,
    openChannel: (_target, options, h) => {
      opened.push(options);
      handlers = h;
      return {
        family: 4,
        send: (packet) => {
          const request = parseUdpRequest(packet)!;
          sent.push({ atMs: scheduler.now(), request });
          const answer = script(request);
          if (answer !== undefined) scheduler.schedule(() => h.message(answer), LATENCY_MS);
        },
        close: () => closed++,
      };
    },
  });
  const run = (url = URL_, extra: { unref?: boolean } = {}): Observable<AnnounceResponse> =>
    transport(url, params(), { maxResponseBytes: 65536, scheduler, ...extra });
  /** Moves virtual time to `atMs`, running every timer due by then. */
  const advanceTo = (atMs: number): void => {
    scheduler.schedule(() => undefined, atMs - scheduler.now());
    scheduler.maxFrames = atMs;
    scheduler.flush();
  };
  return { scheduler, sent, opened, cache, run, advanceTo, closed: () => closed, handlers: () => handlers! };
}

const honest: Script = (r) =>
  r.action === 'connect' ? encodeUdpConnectReply(r.transactionId, ID) : r.action === 'announce' ? encodeUdpAnnounceReply(r.transactionId, REPLY, 4) : undefined;

describe('UDP announce transport (BEP 15, virtual time)', () => {
  it('connects, then announces with the id, and emits the reply', () => {
    const h = harness(honest);
    const results: AnnounceResponse[] = [];
    h.run().subscribe((r) => results.push(r));
    h.advanceTo(1000);
    expect(h.sent.map((s) => [s.atMs, s.request.action])).to.deep.equal([[0, 'connect'], [LATENCY_MS, 'announce']]);
    expect(h.sent[1]!.request).to.deep.include({ connectionId: ID, transactionId: 101 });
    expect(results).to.have.length(1);
    expect(results[0]).to.deep.include({ interval: 600, complete: 1, incomplete: 2, peers: [{ host: '10.0.0.2', port: 7002 }] });
    expect(h.closed()).to.equal(1);
  });

  it('retransmits 15 × 2^n s apart, n capped at 8', () => {
    const h = harness(() => undefined);
    h.run().subscribe();
    h.advanceTo(20_000_000);
    const times = h.sent.map((s) => s.atMs / 1000);
    expect(times.slice(0, 11)).to.deep.equal([0, 15, 45, 105, 225, 465, 945, 1905, 3825, 7665, 11505]);
    expect(h.sent.every((s) => s.request.action === 'connect')).to.equal(true);
    expect(udpRetransmitDelayMs(0)).to.equal(15_000);
    expect(udpRetransmitDelayMs(20)).to.equal(3_840_000);
  });

  it('reuses a connection id for a minute, then connects again', () => {
    const h = harness(honest);
    h.run().subscribe();
    h.advanceTo(30_000);
    h.run().subscribe();
    h.advanceTo(59_000);
    h.run().subscribe(); // the id was obtained at 10 ms: still good at 59 s
    h.advanceTo(61_000);
    h.run().subscribe();
    h.advanceTo(70_000);
    expect(h.sent.map((s) => `${s.atMs / 1000}:${s.request.action}`)).to.deep.equal([
      '0:connect', '0.01:announce', '30:announce', '59:announce', '61:connect', '61.01:announce',
    ]);
  });

  it('forgets the id when an announce times out, so the retransmission connects first', () => {
    let announces = 0;
    const h = harness((r) => (r.action === 'announce' && announces++ === 0 ? undefined : honest(r)));
    const results: AnnounceResponse[] = [];
    h.run().subscribe((r) => results.push(r));
    h.advanceTo(100_000);
    expect(h.sent.map((s) => `${s.atMs / 1000}:${s.request.action}`)).to.deep.equal(['0:connect', '0.01:announce', '15.01:connect', '15.02:announce']);
    expect(results).to.have.length(1);
  });

  it('turns an error reply into ERR_TRACKER_FAILURE_REASON', () => {
    const h = harness((r) => (r.action === 'announce' ? encodeUdpError(r.transactionId, 'torrent not registered') : honest(r)));
    let error: unknown;
    h.run().subscribe({ error: (e: unknown) => (error = e) });
    h.advanceTo(1000);
    expect(error).to.include({ code: 'ERR_TRACKER_FAILURE_REASON', message: 'torrent not registered' });
  });

  it('ignores replies with another transaction id', () => {
    const h = harness((r) => (r.action === 'connect' ? encodeUdpConnectReply(r.transactionId + 1, ID) : undefined));
    h.run().subscribe();
    h.advanceTo(16_000);
    expect(h.sent.map((s) => s.request.action)).to.deep.equal(['connect', 'connect']);
  });

  it('refuses a reply of the wrong kind with ERR_TRACKER_BAD_RESPONSE', () => {
    const h = harness((r) => encodeUdpAnnounceReply(r.transactionId, REPLY, 4));
    let error: unknown;
    h.run().subscribe({ error: (e: unknown) => (error = e) });
    h.advanceTo(1000);
    expect(error).to.include({ code: 'ERR_TRACKER_BAD_RESPONSE' });
  });

  it('on unsubscribe closes the channel and sends nothing more', () => {
    const h = harness(() => undefined);
    const subscription = h.run().subscribe();
    h.advanceTo(20_000);
    subscription.unsubscribe();
    h.advanceTo(1_000_000);
    expect(h.sent).to.have.length(2);
    expect(h.closed()).to.equal(1);
  });

  it('maps a channel error to ERR_TRACKER_UNREACHABLE and a URL without a port to ERR_TRACKER_BAD_URL', () => {
    const h = harness(() => undefined);
    let error: unknown;
    h.run().subscribe({ error: (e: unknown) => (error = e) });
    h.handlers().error(new Error('EHOSTUNREACH'));
    expect(error).to.include({ code: 'ERR_TRACKER_UNREACHABLE' });
    h.run(new URL('udp://127.0.0.1/announce')).subscribe({ error: (e: unknown) => (error = e) });
    expect(error).to.include({ code: 'ERR_TRACKER_BAD_URL' });
  });

  it('with unref (a best-effort stopped) sends once and schedules no retransmit', () => {
    const h = harness(() => undefined);
    h.run(URL_, { unref: true }).subscribe();
    h.advanceTo(1_000_000);
    expect(h.sent).to.have.length(1);
    expect(h.opened[0]).to.include({ unref: true });
  });
});
