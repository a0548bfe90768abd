/**
 * Streaming from a real swarm: a libtorrent seeder capped in upload, `rxtorrent download --serve`
 * from it, and timed HTTP reads of the stream server (used by spec/interop and spec/heavy).
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI, runCli } from '../cli/run.js';
import { LT_READY, ltPeer } from '../helpers/clients.js';
import { freeUdpAndTcpPort } from '../helpers/net.js';
import { startProcess, type ProcessHandle } from '../helpers/proc.js';

/** The seeder's upload cap: 4 MB/s. */
export const SEED_RATE = 4_000_000;

/** A libtorrent seeder of `torrent` (data in `dir`) capped at `rate` bytes/s; resolves once it seeds. */
export async function cappedSeeder(torrent: string, dir: string, rate = SEED_RATE, timeoutSec = 120): Promise<{ seeder: ProcessHandle; peer: string }> {
  const port = await freeUdpAndTcpPort();
  const seeder = ltPeer({ mode: 'seed', torrent, savePath: dir, port, uploadLimit: rate, timeoutSec });
  await seeder.waitForLine(LT_READY, 60_000);
  return { seeder, peer: `127.0.0.1:${port}` };
}

/** `rxtorrent create` of `path` with the given piece length. */
export async function createWithCli(path: string, out: string, pieceLength: string): Promise<void> {
  const created = await runCli(['create', path, '-o', out, '--piece-length', pieceLength]);
  if (created.code !== 0) throw new Error(`rxtorrent create failed: ${created.stderr}`);
}

/** A running `rxtorrent download --serve --json` and its stream server's URL. */
export interface ServedDownload {
  readonly cli: ProcessHandle;
  readonly url: string;
  /** When the CLI was started (Date.now()). */
  readonly startedAt: number;
  /** The latest progress its `--json` lines reported (0..1). */
  progress(): number;
}

/** Starts `rxtorrent download TORRENT --serve --json --peer PEER` into `out`. */
export async function serveDownload(torrent: string, peer: string, out: string, extra: readonly string[] = [], timeoutSec = 120): Promise<ServedDownload> {
  const startedAt = Date.now();
  const cli = startProcess(process.execPath, [CLI, 'download', torrent, '-o', out, '--ip', '127.0.0.1', '-p', '0', '--peer', peer, '--serve', '--json', ...extra], {
    timeoutSec, name: 'rxtorrent-serve',
  });
  const [, url] = await cli.waitForLine(/^streaming: (http:\/\/127\.0\.0\.1:\d+\/)$/, 30_000);
  return {
    cli, url: url!, startedAt,
    progress: () => {
      for (let i = cli.lines.length - 1; i >= 0; i--) {
        const line = cli.lines[i]!;
        if (line.startsWith('{')) return (JSON.parse(line) as { progress: number }).progress;
      }
      return 0;
    },
  };
}

/** Fetches `[start, end)` of a file with a Range request; resolves with the bytes and how long it took. */
export async function timedRange(url: string, start: number, end: number): Promise<{ status: number; body: Buffer; ms: number }> {
  const began = Date.now();
  const reply = await fetch(url, { headers: { Range: `bytes=${start}-${end - 1}` } });
  const body = Buffer.from(await reply.arrayBuffer());
  return { status: reply.status, body, ms: Date.now() - began };
}

/** Bytes `[start, end)` of a file on disk. */
export async function bytesOf(path: string, start: number, end: number): Promise<Buffer> {
  const file = await open(path);
  try {
    const buffer = Buffer.alloc(end - start);
    await file.read(buffer, 0, buffer.length, start);
    return buffer;
  } finally {
    await file.close();
  }
}

/** The URL of file `index` of the only torrent the server serves. */
export async function fileUrlOf(served: ServedDownload, index: number): Promise<string> {
  const listing = (await (await fetch(new URL('index.json', served.url))).json()) as { torrents: { files: { url: string }[] }[] };
  return new URL(listing.torrents[0]!.files[index]!.url, served.url).href;
}

/** Waits until the CLI reports `status` (from its --json lines), bounded. */
export function waitForStatus(served: ServedDownload, status: string, timeoutMs: number): Promise<unknown> {
  return served.cli.waitForLine(new RegExp(`"status":"${status}"`), timeoutMs);
}

export { join };
