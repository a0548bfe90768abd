/**
 * A bound on the HTTP tracker's open connections. Over the bound a new connection is let in by
 * closing the connection that has gone longest without a request being served (a slowloris
 * client trickling its headers, an idle keep-alive), never one whose request is being answered;
 * with every connection busy, the newcomer is closed instead. Without a bound, a few thousand
 * half-open requests exhaust the process's file descriptors and every honest announce fails.
 *
 * @module
 */
import type http from 'node:http';
import type { Socket } from 'node:net';
import { TrackerError } from '../../errors.js';

/** Options of {@link limitConnections}. */
export interface ConnectionLimitConfig {
  /** Most connections open at once (below the process's file-descriptor limit). @default 512 */
  readonly maxConnections?: number;
  /**
   * Time a client has to send its request headers, in ms (Node's `headersTimeout`, 60 s by
   * default): a slowloris connection is closed after it even below the bound. @default 10_000
   */
  readonly headersTimeoutMs?: number;
}

/** Default of {@link ConnectionLimitConfig.maxConnections}. */
export const DEFAULT_MAX_HTTP_CONNECTIONS = 512;
/** Default of {@link ConnectionLimitConfig.headersTimeoutMs}. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;

/** What {@link limitConnections} did so far. */
export interface ConnectionLimit {
  /** Connections open now. */
  readonly open: number;
  /** Connections closed to make room (idle ones, or newcomers when all were busy). */
  readonly evicted: number;
  /** Stops limiting (the server keeps its connections). */
  stop(): void;
}

/**
 * Bounds the open connections of `server` (call it before `listen`).
 *
 * @param server - an HTTP server, e.g. around `createTrackerApp(...).callback()`.
 * @param config - the bound and the headers timeout.
 * @returns live counts and `stop`.
 * @throws {@link TrackerError} `ERR_TRACKER_BAD_CONFIG` for a bound or timeout below 1.
 * @example
 * ```ts
 * import http from 'node:http';
 * const server = http.createServer(createTrackerApp().callback());
 * limitConnections(server, { maxConnections: 512 });
 * server.listen(8000);
 * ```
 */
export function limitConnections(server: http.Server, config: ConnectionLimitConfig = {}): ConnectionLimit {
  const max = config.maxConnections ?? DEFAULT_MAX_HTTP_CONNECTIONS;
  const headersTimeoutMs = config.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  if (!Number.isSafeInteger(max) || max < 1 || !Number.isSafeInteger(headersTimeoutMs) || headersTimeoutMs < 1) {
    throw new TrackerError('ERR_TRACKER_BAD_CONFIG', 'maxConnections and headersTimeoutMs must be integers ≥ 1');
  }
  server.headersTimeout = headersTimeoutMs;
  // Sets keep their insertion order: the first idle socket is the one longest without a request served.
  const idle = new Set<Socket>();
  /** Sockets with requests being answered, and how many (pipelined requests queue on one socket). */
  const busy = new Map<Socket, number>();
  let evicted = 0;

  const onConnection = (socket: Socket): void => {
    if (idle.size + busy.size >= max) {
      const oldest = idle.values().next();
      evicted++;
      if (oldest.done === true) {
        socket.destroy();
        return;
      }
      idle.delete(oldest.value);
      oldest.value.destroy();
    }
    idle.add(socket);
    socket.once('close', () => {
      idle.delete(socket);
      busy.delete(socket);
    });
  };
  const onRequest = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    const { socket } = request;
    const pending = busy.get(socket);
    if (pending === undefined && !idle.delete(socket)) return;
    busy.set(socket, (pending ?? 0) + 1);
    response.once('close', () => {
      const left = (busy.get(socket) ?? 0) - 1;
      if (left > 0) return void busy.set(socket, left);
      if (!busy.delete(socket) || socket.destroyed) return;
      idle.add(socket);
    });
  };
  server.on('connection', onConnection);
  server.on('request', onRequest);
  return {
    get open() {
      return idle.size + busy.size;
    },
    get evicted() {
      return evicted;
    },
    stop: () => {
      server.off('connection', onConnection);
      server.off('request', onRequest);
    },
  };
}
