/**
 * HTTP load with wrk (C, one thread): bounded in connections and time, each request an announce
 * to one of the bench's swarms with a random peer id and port, `compact=1`. wrk reconnects after
 * every reply that does not keep the connection alive, so `Connection: close` is measured as real
 * clients do it (autocannon 9 mis-times that mode: p50 ~700 ms on a server wrk sees at 4 ms).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What one wrk run measured. */
export interface HttpLoadResult {
  readonly requestsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /**
   * Connect, write and timeout errors plus non-2xx replies. wrk's "read" errors are left out:
   * they are connections the server closed after a reply (opentracker closes every one).
   */
  readonly errors: number;
}

/** Options of {@link runWrk}. */
export interface WrkOptions {
  readonly port: number;
  readonly connections: number;
  readonly durationSec: number;
  /** Send `Connection: close` (a new TCP connection per announce). */
  readonly close: boolean;
  /** The Lua script from {@link writeWrkScript}. */
  readonly script: string;
}

/** Percent-escapes every byte, as careful clients do. */
const escape = (bytes: Uint8Array): string => Array.from(bytes, (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');

/**
 * Writes the wrk Lua script: a request per call to one of `infoHashes` at random, a random
 * 20-character peer id and a random port. Returns its path.
 */
export function writeWrkScript(dir: string, infoHashes: readonly Uint8Array[]): string {
  const table = infoHashes.map((h) => `"${escape(h)}"`).join(',\n');
  const lua = `
local hashes = {${table}}
local alnum = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
math.randomseed(os.time())
local function peerId()
  local t = {"-BN0001-"}
  for i = 1, 12 do local k = math.random(1, #alnum) t[#t + 1] = alnum:sub(k, k) end
  return table.concat(t)
end
request = function()
  local path = "/announce?info_hash=" .. hashes[math.random(1, #hashes)] .. "&peer_id=" .. peerId() ..
    "&port=" .. math.random(1024, 65535) .. "&uploaded=0&downloaded=0&left=1000&compact=1&event=started"
  return wrk.format("GET", path)
end
`;
  const path = join(dir, 'announce.lua');
  writeFileSync(path, lua);
  return path;
}

function milliseconds(value: string, unit: string): number {
  return Number(value) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[unit]!;
}

/** Runs wrk once and parses its report. */
export function runWrk(o: WrkOptions): Promise<HttpLoadResult> {
  const args = ['-t1', `-c${o.connections}`, `-d${o.durationSec}s`, '--latency', '--timeout', '5s', '-s', o.script];
  if (o.close) args.push('-H', 'Connection: close');
  args.push(`http://127.0.0.1:${o.port}/`);
  return new Promise((resolve, reject) => {
    const child = spawn('timeout', [String(o.durationSec + 30), 'wrk', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => {
      const rate = /Requests\/sec:\s+([\d.]+)/.exec(out);
      const p50 = /^\s+50%\s+([\d.]+)(us|ms|s)\s*$/m.exec(out);
      const p99 = /^\s+99%\s+([\d.]+)(us|ms|s)\s*$/m.exec(out);
      if (code !== 0 || rate === null || p50 === null || p99 === null) return reject(new Error(`wrk failed (${code}):\n${out}`));
      const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
      const errors = non2xx + (socket === null ? 0 : Number(socket[1]) + Number(socket[3]) + Number(socket[4]));
      resolve({ requestsPerSec: Number(rate[1]), p50Ms: milliseconds(p50[1]!, p50[2]!), p99Ms: milliseconds(p99[1]!, p99[2]!), errors });
    });
    child.on('error', reject);
  });
}
