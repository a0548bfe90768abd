/**
 * opentracker on loopback for interop specs: HTTP and UDP on one port number, a whitelist of one
 * info-hash, started under {@link startProcess} (so {@link stopAllAfterEach} stops it).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { toHex } from '../../src/protocol/bytes.js';
import { announce } from '../../src/tracker/client/announce.js';
import { freeUdpAndTcpPort } from './net.js';
import { payloadBytes } from './payload.js';
import { startProcess } from './proc.js';

/**
 * Starts opentracker whitelisting `infoHash` and resolves with its port once it answers and has
 * read the whitelist (a `stopped` announce for a made-up peer succeeds).
 *
 * @param parent - a temp folder; opentracker chroots into a subfolder and drops to `nobody`
 * @param infoHash - the only info-hash it serves
 * @param timeoutSec - its hard time limit
 */
export async function startOpentracker(parent: string, infoHash: Uint8Array, timeoutSec: number): Promise<number> {
  // It chroots into its directory and drops to `nobody`: both must be able to read it.
  const dir = join(parent, 'opentracker');
  await mkdir(dir, { mode: 0o755 });
  await writeFile(join(dir, 'whitelist'), `${toHex(infoHash)}\n`, { mode: 0o644 });
  const port = await freeUdpAndTcpPort();
  startProcess('opentracker', ['-i', '127.0.0.1', '-p', String(port), '-P', String(port), '-d', dir, '-u', 'nobody', '-w', '/whitelist'], {
    timeoutSec,
  });
  const probe = {
    infoHash, peerId: payloadBytes(20, 'opentracker-probe'), port: 7099, uploaded: 0, downloaded: 0, left: 100, event: 'stopped' as const,
  };
  for (let deadline = Date.now() + 10_000; ; await new Promise((r) => setTimeout(r, 100))) {
    const ok = await firstValueFrom(announce(`http://127.0.0.1:${port}/announce`, probe, { timeoutMs: 2000 })).then(() => true, (e: unknown) => {
      if (Date.now() > deadline) throw e;
      return false;
    });
    if (ok) return port;
  }
}
