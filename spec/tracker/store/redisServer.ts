/**
 * A throwaway `redis-server` for specs: a free loopback port, no persistence, stopped by its pid.
 */
import { freePort } from '../../helpers/net.js';
import { startProcess } from '../../helpers/proc.js';
import type { ProcessHandle } from '../../helpers/proc.js';

/** A running redis-server. */
export interface RedisServer {
  /** `redis://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  readonly process: ProcessHandle;
  stop(): Promise<void>;
}

/**
 * Starts `redis-server --port P --bind 127.0.0.1 --save '' --appendonly no` in the foreground and
 * waits for its "Ready to accept connections" line. Call `requireTool(this, 'redis')` first.
 *
 * @param timeoutSec - hard limit on its life.
 */
export async function startRedis(timeoutSec = 300): Promise<RedisServer> {
  const port = await freePort();
  const process = startProcess(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--loglevel', 'notice'],
    { timeoutSec, name: 'redis-server' },
  );
  await process.waitForLine(/Ready to accept connections/, 15_000);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    process,
    stop: async () => {
      await process.stop();
    },
  };
}
