/**
 * `npm run bench:wire`: parsing 1 GiB of 16 KiB `piece` messages, fed in 64 KiB chunks, with
 * rxtorrent's `frameMessages` + `decodeMessages` (a real RxJS pipeline:
 * `from(chunks).pipe(frameMessages(), decodeMessages())`) and with bittorrent-protocol's `Wire`
 * (the parser inside WebTorrent) on the same bytes, in the same run. Each parser runs in a fresh
 * child process, best of three; garbage collections are counted with a `gc` PerformanceObserver.
 * Target: rxtorrent ≥ 2 × bittorrent-protocol and well above 3 GiB/s.
 *
 * Two more rows parse the same bytes RC4-encrypted (MSE/PE), decrypting each chunk first as an
 * encrypted connection does: with our RC4 (`rxtorrent+rc4-js`) and with OpenSSL's through
 * `node:crypto` (`rxtorrent+rc4-openssl`, its worker started with `--openssl-legacy-provider`;
 * left out where this Node cannot offer RC4 even so).
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { PerformanceObserver, constants, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { printTable } from './lib/measure.js';

const SIZE_MIB = Number(process.env.BENCH_SIZE_MIB ?? 1024);
const BLOCK = 16 * 1024;
const CHUNK = 64 * 1024;
const RUNS = 3;
const WARM_UP_MESSAGES = 4096;

/** What one parser run reports. */
interface Result {
  readonly name: string;
  readonly seconds: number;
  readonly payloadBytes: number;
  readonly wireBytes: number;
  readonly messages: number;
  readonly minorGcs: number;
  readonly majorGcs: number;
  readonly gcMs: number;
  readonly heapDeltaMiB: number;
  readonly rssMiB: number;
}

/** The RC4 key of the encrypted rows. */
const RC4_KEY = new Uint8Array(20).fill(0x5a);

/** A handshake, then SIZE_MIB MiB of 16 KiB piece messages, as 64 KiB chunk views (RC4-encrypted for the rc4 rows). */
async function makeChunks(encrypt: boolean): Promise<{ chunks: Uint8Array[]; warmUp: Uint8Array[]; pieceCount: number; wireBytes: number }> {
  const count = (SIZE_MIB * 1024 * 1024) / BLOCK;
  const frame = 13 + BLOCK;
  const bytes = new Uint8Array(68 + count * frame);
  bytes[0] = 19;
  bytes.set(new TextEncoder().encode('BitTorrent protocol'), 1);
  bytes.fill(0xab, 28, 68);
  const view = new DataView(bytes.buffer);
  const blocksPerPiece = 16; // 256 KiB pieces
  for (let i = 0, at = 68; i < count; i++, at += frame) {
    view.setUint32(at, 9 + BLOCK);
    bytes[at + 4] = 7;
    view.setUint32(at + 5, Math.floor(i / blocksPerPiece));
    view.setUint32(at + 9, (i % blocksPerPiece) * BLOCK);
    bytes[at + 13] = i & 0xff;
  }
  if (encrypt) {
    const { Rc4, RC4_DISCARD_BYTES } = await import('../dist/protocol/mse/index.js');
    new Rc4(RC4_KEY, RC4_DISCARD_BYTES).inPlace(bytes);
  }
  const chunk = (of: Uint8Array): Uint8Array[] => {
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < of.length; at += CHUNK) chunks.push(of.subarray(at, at + CHUNK));
    return chunks;
  };
  const warmUp = chunk(bytes.subarray(0, 68 + WARM_UP_MESSAGES * frame));
  return { chunks: chunk(bytes), warmUp, pieceCount: Math.ceil(count / blocksPerPiece), wireBytes: bytes.length };
}

/**
 * One parser: resolves with payload bytes and messages seen once `chunks` are parsed. `warmUp`:
 * leave the chunks as they are (the encrypted rows then decrypt into copies).
 */
type Parse = (chunks: readonly Uint8Array[], pieceCount: number, expected: number, warmUp?: boolean) => Promise<[number, number]>;

/** Loads a parser's modules (outside the timed region). */
async function loadParser(name: string): Promise<Parse> {
  if (name === 'rxtorrent') {
    const { from } = await import('rxjs');
    const { frameMessages, decodeMessages } = await import('../dist/operators/index.js');
    return (chunks, pieceCount) => parseWithRxtorrent(from(chunks), frameMessages, decodeMessages, pieceCount);
  }
  if (name.startsWith('rxtorrent+rc4-')) {
    const { from, map } = await import('rxjs');
    const { frameMessages, decodeMessages } = await import('../dist/operators/index.js');
    const { createRc4Cipher } = await import('../dist/streams/peer/index.js');
    const implementation = name.endsWith('openssl') ? 'openssl' : 'js';
    return (chunks, pieceCount, _expected, warmUp) => {
      const rc4 = createRc4Cipher(RC4_KEY, implementation);
      const decrypted = from(chunks).pipe(map((c) => (warmUp === true ? rc4.copy(c) : rc4.inPlace(c))));
      return parseWithRxtorrent(decrypted, frameMessages, decodeMessages, pieceCount);
    };
  }
  const { default: Wire } = await import('bittorrent-protocol');
  return (chunks, _pieceCount, expected) => parseWithBittorrentProtocol(Wire, chunks, expected);
}

async function parseWithRxtorrent(
  chunks$: import('rxjs').Observable<Uint8Array>,
  frameMessages: typeof import('../dist/operators/index.js').frameMessages,
  decodeMessages: typeof import('../dist/operators/index.js').decodeMessages,
  pieceCount: number,
): Promise<[number, number]> {
  let payload = 0;
  let messages = 0;
  chunks$.pipe(frameMessages({ pieceCount }), decodeMessages({ pieceCount })).subscribe((msg) => {
    if (msg.type === 'piece') payload += msg.block.length;
    messages++;
  });
  return [payload, messages];
}

async function parseWithBittorrentProtocol(
  Wire: typeof import('bittorrent-protocol').default,
  chunks: readonly Uint8Array[],
  expected: number,
): Promise<[number, number]> {
  const wire = new Wire();
  let payload = 0;
  let messages = 0;
  const done = new Promise<void>((resolve) => {
    wire.on('piece', (_index: number, _offset: number, block: Uint8Array) => {
      payload += block.length;
      messages++;
      if (payload === expected) resolve();
    });
  });
  wire.on('handshake', () => messages++);
  for (const chunk of chunks) if (!wire.write(chunk)) await once(wire, 'drain');
  await done;
  wire.destroy();
  return [payload, messages];
}

async function worker(name: string): Promise<void> {
  const { chunks, warmUp, pieceCount, wireBytes } = await makeChunks(name.includes('rc4'));
  const expected = SIZE_MIB * 1024 * 1024;
  const parse = await loadParser(name);
  // Warm-up on the first 64 MiB, so both parsers are timed JIT-compiled.
  await parse(warmUp, pieceCount, WARM_UP_MESSAGES * BLOCK, true);
  const gcs = { minor: 0, major: 0, ms: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) gcs.minor++;
      else gcs.major++;
      gcs.ms += entry.duration;
    }
  });
  (globalThis as { gc?: () => void }).gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  observer.observe({ entryTypes: ['gc'] });
  const started = performance.now();
  const [payloadBytes, messages] = await parse(chunks, pieceCount, expected);
  const seconds = (performance.now() - started) / 1000;
  const heapAfter = process.memoryUsage().heapUsed;
  await new Promise((r) => setTimeout(r, 50)); // let the observer deliver the last entries
  observer.disconnect();
  if (payloadBytes !== expected) throw new Error(`${name} parsed ${payloadBytes} of ${expected} payload bytes`);
  const result: Result = {
    name, seconds, payloadBytes, wireBytes, messages, minorGcs: gcs.minor, majorGcs: gcs.major, gcMs: gcs.ms,
    heapDeltaMiB: (heapAfter - heapBefore) / 2 ** 20, rssMiB: process.memoryUsage().rss / 2 ** 20,
  };
  console.log(JSON.stringify(result));
}

async function run(name: string): Promise<Result> {
  const script = fileURLToPath(import.meta.url);
  const legacy = name.endsWith('openssl') ? ['--openssl-legacy-provider'] : [];
  const child = spawn(process.execPath, [...legacy, '--expose-gc', '--import', './bench/register.mjs', script, '--worker', name], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`${name} worker exited ${code}`);
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Result;
}

async function main(): Promise<void> {
  const results: Result[] = [];
  const names = ['rxtorrent', 'bittorrent-protocol', 'rxtorrent+rc4-js'];
  if (opensslRc4Works()) names.push('rxtorrent+rc4-openssl');
  for (const name of names) {
    const tries: Result[] = [];
    for (let i = 0; i < RUNS; i++) tries.push(await run(name));
    results.push(tries.reduce((a, b) => (b.seconds < a.seconds ? b : a)));
  }
  const mibps = (r: Result): number => r.wireBytes / 2 ** 20 / r.seconds;
  const reference = results.find((r) => r.name === 'bittorrent-protocol');
  console.log(`\nbench:wire — ${SIZE_MIB} MiB of 16 KiB piece messages in 64 KiB chunks, best of ${RUNS}, fresh process each\n`);
  printTable(
    ['parser', 'seconds', 'MiB/s', 'GiB/s', 'messages', 'minor GCs', 'major GCs', 'GC ms', 'heap Δ MiB', 'RSS MiB', 'vs bittorrent-protocol'],
    results.map((r) => [
      r.name, r.seconds.toFixed(3), mibps(r).toFixed(0), (mibps(r) / 1024).toFixed(2), String(r.messages),
      String(r.minorGcs), String(r.majorGcs), r.gcMs.toFixed(1), r.heapDeltaMiB.toFixed(1), r.rssMiB.toFixed(0),
      reference === undefined ? '' : (mibps(r) / mibps(reference)).toFixed(2),
    ]),
  );
  const rx = results[0];
  if (rx !== undefined && reference !== undefined) {
    console.log(`\ntarget: ≥ 2 × bittorrent-protocol → ${(mibps(rx) / mibps(reference)).toFixed(2)} ×; well above 3 GiB/s → ${(mibps(rx) / 1024).toFixed(2)} GiB/s`);
  }
}

/** True when a Node started with `--openssl-legacy-provider` offers RC4. */
function opensslRc4Works(): boolean {
  const probe = "require('crypto').createCipheriv('rc4', Buffer.alloc(20), null)";
  return spawnSync(process.execPath, ['--openssl-legacy-provider', '-e', probe]).status === 0;
}

const at = process.argv.indexOf('--worker');
if (at >= 0) await worker(process.argv[at + 1] ?? '');
else await main();
