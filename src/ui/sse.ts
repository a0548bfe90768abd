/**
 * `sse(observable$)`: koa middleware serving any observable as Server-Sent Events, with
 * latest-value semantics so a slow reader never grows the server's memory.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html
 * @module
 */
import type { Middleware } from 'koa';
import { asyncScheduler, interval, Subscription, type Observable, type SchedulerLike } from 'rxjs';
import { UiError } from '../errors.js';

/** Options of {@link sse}. */
export interface SseConfig<T> {
  /** Turns a value into the event's data (newlines become several `data:` lines). @default JSON.stringify */
  readonly serialize?: (value: T) => string;
  /** Event name (`event:` field); the browser's `onmessage` sees only unnamed events. @default unnamed */
  readonly event?: string;
  /** Interval of `: ping` comments that keep proxies from closing an idle stream; 0 turns them off. @default 15000 */
  readonly heartbeatMs?: number;
  /** Reconnection delay the browser is told to use (`retry:` field). @default 2000 */
  readonly retryMs?: number;
  /** Clock of the heartbeat. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * Encodes one SSE frame.
 *
 * @example
 * ```ts
 * sseFrame('{"a":1}'); // 'data: {"a":1}\n\n'
 * ```
 */
export function sseFrame(data: string, event?: string): string {
  const lines = data.split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`);
  return `${event === undefined ? '' : `event: ${event}\n`}${lines.join('')}\n`;
}

/**
 * Koa middleware that answers with a `text/event-stream` of `source$`'s values. Each request
 * subscribes once; the subscription ends when the client goes away. When the source completes
 * the response ends (an `EventSource` then reconnects after `retryMs`); when it errors the error
 * is reported through the app's `error` event and the response ends, its text never sent.
 *
 * Flow control: values are written while the response accepts them (`write()` returns true).
 * Once it reports back-pressure, only the *latest* value is kept, and written when the socket
 * drains; the ones in between are dropped. A client that stops reading therefore costs at most
 * the socket's high-water mark plus one frame, however fast the source emits.
 *
 * ```
 * source$:          a──b──c──d──e──f────
 * fast reader:      a──b──c──d──e──f────
 * stalled reader:   a──b─(blocked)──────f   (c, d, e dropped; f written on drain)
 * ```
 *
 * @param source$ - the values to stream; subscribed once per connected client, so pass a hot or
 *   shared stream (`shareReplay(1)`) when subscribing has side effects
 * @param config - serialization, event name, heartbeat, retry delay
 * @returns the middleware; it takes over the raw response (`ctx.respond = false`)
 * @throws {@link UiError} `ERR_UI_INVALID_ARGUMENT` for a negative heartbeat or retry delay
 * @example
 * ```ts
 * import Router from '@koa/router';
 * const states$ = new ReplaySubject<SessionState>(1);
 * download(torrent, { path: 'downloads/' + torrent.name }).subscribe(states$);
 * const router = new Router();
 * router.get('/events', sse(states$));
 * // in the browser: new EventSource('/events').onmessage = (e) => render(JSON.parse(e.data));
 * ```
 */
export function sse<T>(source$: Observable<T>, config: SseConfig<T> = {}): Middleware {
  const heartbeatMs = config.heartbeatMs ?? 15_000;
  const retryMs = config.retryMs ?? 2000;
  for (const [name, value] of [['heartbeatMs', heartbeatMs], ['retryMs', retryMs]] as const) {
    if (!(value >= 0 && Number.isFinite(value))) throw new UiError('ERR_UI_INVALID_ARGUMENT', `${name} must be a finite number ≥ 0, got ${value}`);
  }
  const serialize = config.serialize ?? ((value: T): string => JSON.stringify(value) ?? 'null');
  return (ctx) => {
    ctx.respond = false;
    const res = ctx.res;
    const subscription = new Subscription();
    let blocked = false;
    /** The latest frame that arrived while blocked; at most one is ever held. */
    let pending: string | undefined;
    const write = (text: string): void => {
      if (!res.writableEnded && !res.destroyed) blocked = !res.write(text);
    };
    const end = (): void => {
      subscription.unsubscribe();
      if (!res.writableEnded) res.end();
    };
    res.on('drain', () => {
      blocked = false;
      const frame = pending;
      pending = undefined;
      if (frame !== undefined) write(frame);
    });
    res.on('close', () => subscription.unsubscribe());
    res.on('error', () => subscription.unsubscribe());
    ctx.req.socket.setNoDelay(true);
    ctx.req.socket.setTimeout(0);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      // Tells nginx-style proxies not to buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    write(`retry: ${retryMs}\n\n`);
    if (heartbeatMs > 0) {
      subscription.add(interval(heartbeatMs, config.scheduler ?? asyncScheduler).subscribe(() => {
        if (!blocked) write(': ping\n\n');
      }));
    }
    subscription.add(
      source$.subscribe({
        next: (value) => {
          let frame: string;
          try {
            frame = sseFrame(serialize(value), config.event);
          } catch (err) {
            ctx.app.emit('error', err, ctx);
            end();
            return;
          }
          if (blocked) pending = frame;
          else write(frame);
        },
        error: (err: unknown) => {
          ctx.app.emit('error', err, ctx);
          end();
        },
        complete: () => {
          // Whatever is still pending goes out first: the last value is never lost.
          if (pending !== undefined) res.once('drain', end);
          else end();
        },
      }),
    );
  };
}
