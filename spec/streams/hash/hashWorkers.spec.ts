import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { isRxTorrentError } from '../../../src/errors.js';
import { HashWorkers } from '../../../src/streams/hash/hashWorkers.js';

const MiB = 1024 * 1024;

/** A piece in its own memory, as the download's piece pool hands them out. */
function piece(length: number): Buffer {
  return randomFillSync(Buffer.allocUnsafeSlow(length));
}

function sharedPiece(length: number): Uint8Array {
  return randomFillSync(new Uint8Array(new SharedArrayBuffer(length)));
}

const hexOf = (data: Uint8Array): string => createHash('sha1').update(data).digest('hex');
const hex = (digest: Uint8Array): string => Buffer.from(digest).toString('hex');

describe('streams/hash/HashWorkers', function () {
  this.timeout(20_000);
  let hashers: HashWorkers | undefined;
  afterEach(async () => {
    await hashers?.close();
    hashers = undefined;
  });

  it('moves a piece to a worker (started with the first hash) and back, without a copy', async () => {
    hashers = new HashWorkers({ threads: 1 });
    expect(hashers.running).to.equal(0);
    const data = piece(MiB);
    const expected = hexOf(data);
    const copy = Buffer.from(data);
    const pending = hashers.sha1(data);
    expect(data.byteLength, 'the caller\'s view is detached while the worker has the memory').to.equal(0);
    const hashed = await pending;
    expect(hex(hashed.digest)).to.equal(expected);
    expect(Buffer.isBuffer(hashed.data)).to.equal(true);
    expect(Buffer.from(hashed.data).equals(copy)).to.equal(true);
    expect(hashers.running).to.equal(1);
  });

  it('gives back a view at the same place in its buffer (a short last piece)', async () => {
    hashers = new HashWorkers({ threads: 1 });
    const whole = piece(4 * 16384);
    const view = new Uint8Array(whole.buffer, 16384, 2 * 16384 + 7);
    const before = Buffer.from(view);
    const hashed = await hashers.sha1(view);
    expect(hex(hashed.digest)).to.equal(hexOf(before));
    expect([hashed.data.byteOffset, hashed.data.byteLength, hashed.data.buffer.byteLength]).to.deep.equal([16384, 2 * 16384 + 7, 4 * 16384]);
    expect(Buffer.from(hashed.data).equals(before)).to.equal(true);
  });

  it('reads shared memory in place and gives back the very view', async () => {
    hashers = new HashWorkers({ threads: 1 });
    const data = sharedPiece(MiB);
    const hashed = await hashers.sha1(data);
    expect(hex(hashed.digest)).to.equal(hexOf(data));
    expect(hashed.data).to.equal(data);
    expect(hashers.running).to.equal(1);
  });

  it('copes with a small Buffer from Node\'s shared pool, which cannot be moved', async () => {
    hashers = new HashWorkers({ threads: 1 });
    const small = Buffer.from('a small piece from the pool');
    const neighbour = Buffer.from('its neighbour in the same pool');
    const hashed = await hashers.sha1(small);
    expect(hex(hashed.digest)).to.equal(hexOf(Buffer.from('a small piece from the pool')));
    expect(hashed.data.toString()).to.equal('a small piece from the pool');
    expect(neighbour.toString()).to.equal('its neighbour in the same pool');
  });

  it('spreads many pieces over its threads and answers each with its own digest', async () => {
    hashers = new HashWorkers({ threads: 2 });
    const pieces = Array.from({ length: 40 }, (_, i) => piece(16384 + i * 1000));
    const expected = pieces.map(hexOf);
    const hashed = await Promise.all(pieces.map((p) => (hashers as HashWorkers).sha1(p)));
    expect(hashed.map((h) => hex(h.digest))).to.deep.equal(expected);
    expect(hashed.map((h) => hexOf(h.data))).to.deep.equal(expected);
    expect(hashers.running).to.equal(2);
  });

  it('with threads 0 hashes on the main thread', async () => {
    hashers = new HashWorkers({ threads: 0 });
    const data = piece(50_000);
    const hashed = await hashers.sha1(data);
    expect(hex(hashed.digest)).to.equal(hexOf(data));
    expect(hashed.data).to.equal(data);
    expect(hashers.running).to.equal(0);
  });

  it('rejects hashes on their way and after close with ERR_PIECE_HASHER_CLOSED', async () => {
    hashers = new HashWorkers({ threads: 1 });
    const settle = (pending: Promise<unknown>): Promise<unknown> => pending.then(() => undefined, (e: unknown) => e);
    const onTheWay = settle(hashers.sha1(piece(8 * MiB)));
    await hashers.close();
    for (const err of await Promise.all([onTheWay, settle(hashers.sha1(piece(10)))])) {
      expect(isRxTorrentError(err, 'ERR_PIECE_HASHER_CLOSED'), String(err)).to.equal(true);
    }
    expect(hashers.running).to.equal(0);
  });

  it('when a worker dies: shared pieces it had are hashed here, moved ones fail with ERR_PIECE_HASHER_FAILED, later ones work', async () => {
    hashers = new HashWorkers({ threads: 1 });
    const shared = sharedPiece(MiB);
    // A view that lies about its size makes the worker throw, which kills it.
    const lying = { buffer: shared.buffer, byteOffset: 0, byteLength: 4 * MiB } as Uint8Array;
    const crashing = hashers.sha1(lying);
    const sharedBehind = hashers.sha1(shared);
    const movedBehind = hashers.sha1(piece(MiB));
    expect(await crashing.then(() => 'resolved', () => 'rejected')).to.equal('rejected');
    expect(hex((await sharedBehind).digest)).to.equal(hexOf(shared));
    const lost = await movedBehind.then(() => undefined, (e: unknown) => e);
    expect(isRxTorrentError(lost, 'ERR_PIECE_HASHER_FAILED'), String(lost)).to.equal(true);
    const later = piece(1000);
    const expected = hexOf(later);
    expect(hex((await hashers.sha1(later)).digest)).to.equal(expected);
  });

  it('refuses a thread count that is not a non-negative integer', () => {
    expect(() => new HashWorkers({ threads: -1 })).to.throw(RangeError);
    expect(() => new HashWorkers({ threads: 1.5 })).to.throw(RangeError);
  });

  it('keeps the process alive while a hash is on its way, and not once idle', async () => {
    // A child that hashes a piece in the background and never closes the pool: it must print the
    // digest (the pending hash holds the process open) and then exit by itself (idle workers do not).
    const script = `
      import { HashWorkers } from ${JSON.stringify(fileURLToPath(new URL('../../../dist/streams/hash/hashWorkers.js', import.meta.url)))};
      const piece = Buffer.allocUnsafeSlow(1 << 20).fill(7);
      void new HashWorkers({ threads: 1 }).sha1(piece).then(({ digest }) => console.log(Buffer.from(digest).toString('hex')));`;
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000, env: { ...process.env, NODE_OPTIONS: '' } }, (_err, out) =>
        resolve({ code: child.exitCode, stdout: out }),
      );
    });
    expect(code).to.equal(0);
    expect(stdout.trim()).to.equal(hexOf(Buffer.alloc(1 << 20, 7)));
  });
});
