import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import Koa from 'koa';
import { finalize, NEVER, Observable, of, Subject, throwError, VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { UiError } from '../../src/errors.js';
import { sse, sseFrame } from '../../src/ui/sse.js';
import { openSse } from './sseClient.js';

/** A server of `sse(source$)` that records each response, for looking at its buffer. */
async function serve(middleware: Koa.Middleware): Promise<{ url: string; responses: http.ServerResponse[]; errors: unknown[]; close(): Promise<void> }> {
  const app = new Koa();
  const responses: http.ServerResponse[] = [];
  const errors: unknown[] = [];
  app.silent = true;
  app.on('error', (err: unknown) => errors.push(err));
  app.use((ctx, next) => {
    responses.push(ctx.res);
    return next();
  });
  app.use(middleware);
  const server = http.createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    responses,
    errors,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('sse (koa middleware: an observable as Server-Sent Events)', function () {
  this.timeout(30_000);

  it('frames a value as data lines, one per line of text', () => {
    expect(sseFrame('{"a":1}')).to.equal('data: {"a":1}\n\n');
    expect(sseFrame('a\nb', 'state')).to.equal('event: state\ndata: a\ndata: b\n\n');
  });

  it('refuses a negative heartbeat or retry delay at factory time', () => {
    expect(() => sse(NEVER, { heartbeatMs: -1 })).to.throw(UiError).with.property('code', 'ERR_UI_INVALID_ARGUMENT');
    expect(() => sse(NEVER, { retryMs: Number.NaN })).to.throw(UiError);
  });

  it('streams every value as JSON to a reading client, then ends with the source', async () => {
    const server = await serve(sse(of({ n: 1 }, { n: 2 }, { n: 3 }), { retryMs: 1234 }));
    try {
      const stream = await openSse(server.url);
      await stream.ended;
      expect(stream.response.headers['content-type']).to.match(/^text\/event-stream/);
      expect(stream.response.headers['cache-control']).to.equal('no-store');
      expect(stream.events.map((e) => JSON.parse(e) as unknown)).to.deep.equal([{ n: 1 }, { n: 2 }, { n: 3 }]);
    } finally {
      await server.close();
    }
  });

  it('sends heartbeat comments on the injected clock', async () => {
    const scheduler = new VirtualTimeScheduler(VirtualAction, 100);
    const server = await serve(sse(NEVER, { heartbeatMs: 30, scheduler }));
    try {
      const stream = await openSse(server.url);
      scheduler.flush();
      await new Promise((r) => setTimeout(r, 100));
      expect(stream.comments).to.deep.equal([': ping', ': ping', ': ping']);
      stream.close();
    } finally {
      await server.close();
    }
  });

  it('unsubscribes from the source when the client goes away', async () => {
    let finalized = false;
    const server = await serve(sse(NEVER.pipe(finalize(() => (finalized = true)))));
    try {
      const stream = await openSse(server.url);
      expect(finalized).to.equal(false);
      stream.close();
      for (let i = 0; i < 50 && !finalized; i++) await new Promise((r) => setTimeout(r, 20));
      expect(finalized).to.equal(true);
    } finally {
      await server.close();
    }
  });

  it('reports a source error to the app (never to the client) and ends the stream', async () => {
    const server = await serve(sse(throwError(() => new Error('secret detail'))));
    try {
      const stream = await openSse(server.url);
      await stream.ended;
      expect(stream.events).to.deep.equal([]);
      expect((server.errors[0] as Error).message).to.equal('secret detail');
    } finally {
      await server.close();
    }
  });

  it('keeps the buffer of a client that stops reading bounded while the source keeps emitting, then sends the latest value', async () => {
    const FRAME_BYTES = 64 * 1024;
    const pad = 'x'.repeat(FRAME_BYTES);
    const source = new Subject<{ seq: number; pad: string }>();
    let emitted = 0;
    let emittedBytes = 0;
    let maxBuffered = 0;
    const server = await serve(sse(source));
    const socket = connect({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
    try {
      // A raw client that sends its request and never reads the reply.
      await new Promise<void>((r) => socket.once('connect', r));
      socket.pause();
      socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n');
      while (server.responses.length === 0) await new Promise((r) => setTimeout(r, 5));
      const res = server.responses[0] as http.ServerResponse;
      // 1.5 s of 64 KiB values as fast as the event loop allows: far more than the kernel buffers hold.
      const until = Date.now() + 1500;
      while (Date.now() < until) {
        for (let i = 0; i < 20; i++) {
          source.next({ seq: ++emitted, pad });
          emittedBytes += FRAME_BYTES;
          maxBuffered = Math.max(maxBuffered, res.writableLength);
        }
        await new Promise((r) => setImmediate(r));
      }
      source.next({ seq: ++emitted, pad: 'last' });
      maxBuffered = Math.max(maxBuffered, res.writableLength);
      expect(emittedBytes).to.be.above(64 * 2 ** 20);
      expect(maxBuffered, `buffered ${maxBuffered} B after ${emittedBytes} B emitted`).to.be.below(res.writableHighWaterMark + 2 * (FRAME_BYTES + 64));

      // Now read everything: the client sees a few values, and the last one is the latest.
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.resume();
      for (let i = 0; i < 200 && !received.includes('"pad":"last"'); i++) await new Promise((r) => setTimeout(r, 20));
      const seqs = [...received.matchAll(/"seq":(\d+)/g)].map((m) => Number(m[1]));
      expect(seqs.at(-1)).to.equal(emitted);
      expect(seqs.length).to.be.below(emitted / 10);
      expect(seqs).to.deep.equal([...seqs].sort((a, b) => a - b));
    } finally {
      socket.destroy();
      source.complete();
      await server.close();
    }
  });

  it('delivers the latest value before ending when the source completes while the client is slow', async () => {
    const server = await serve(sse(new Observable<number>((s) => {
      for (let i = 1; i <= 500; i++) s.next(i);
      s.complete();
    }), { serialize: (n) => `${n}:${'y'.repeat(32 * 1024)}` }));
    try {
      const stream = await openSse(server.url);
      await stream.ended;
      expect(stream.events.at(-1)?.startsWith('500:')).to.equal(true);
    } finally {
      await server.close();
    }
  });
});
