/**
 * A minimal Server-Sent Events reader for specs: node's http, the `data:` lines of each event
 * joined, comments and other fields kept apart.
 */
import http from 'node:http';

/** One open event stream. */
export interface SseStream {
  readonly response: http.IncomingMessage;
  /** Data of each event received so far, in order. */
  readonly events: string[];
  /** Comment lines (`: ping`) received so far. */
  readonly comments: string[];
  /** Resolves when the server ends the stream (or the socket closes). */
  readonly ended: Promise<void>;
  /** Resolves with the first event whose parsed JSON satisfies `test` (already received or future). */
  waitFor<T>(test: (value: T) => boolean, timeoutMs?: number): Promise<T>;
  close(): void;
}

/**
 * Opens `url` as an event stream.
 *
 * @example
 * ```ts
 * const stream = await openSse(`http://127.0.0.1:${port}/events`);
 * await stream.waitFor((s: { progress: number }) => s.progress === 1);
 * ```
 */
export function openSse(url: string): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, headers: { accept: 'text/event-stream' } }, (response) => {
      const events: string[] = [];
      const comments: string[] = [];
      const waiters: (() => void)[] = [];
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
          comments.push(...block.split('\n').filter((l) => l.startsWith(':')));
          if (data.length > 0) events.push(data.join('\n'));
        }
        for (const w of [...waiters]) w();
      });
      const ended = new Promise<void>((r) => {
        response.on('end', r);
        response.on('close', r);
      });
      resolve({
        response, events, comments, ended,
        close: () => request.destroy(),
        waitFor: <T>(test: (value: T) => boolean, timeoutMs = 20_000) =>
          new Promise<T>((res, rej) => {
            let seen = 0;
            const check = (): void => {
              for (; seen < events.length; seen++) {
                const value = JSON.parse(events[seen] as string) as T;
                if (test(value)) {
                  clearTimeout(timer);
                  waiters.splice(waiters.indexOf(check), 1);
                  res(value);
                  return;
                }
              }
            };
            const timer = setTimeout(() => {
              waiters.splice(waiters.indexOf(check), 1);
              rej(new Error(`no matching event within ${timeoutMs} ms (${events.length} events; last: ${events.at(-1)?.slice(0, 300)})`));
            }, timeoutMs);
            waiters.push(check);
            check();
          }),
      });
    });
    request.on('error', reject);
  });
}
