import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { isRxTorrentError } from '../../../src/errors.js';
import { HashWorkers } from '../../../src/streams/hash/hashWorkers.js';

const MiB = 1024 * 1024;

/** A piece in shared memory, as the download's piece pool hands them out. */
function sharedPiece(length: number): Uint8Array {
  return randomFillSync(new Uint8Array(new SharedArrayBuffer(length)));
}

function expected(data: Uint8Array): string {
  return createHash('sha1').update(data).digest('hex');
}

const hex = (digest: Uint8Array): string => Buffer.from(digest).toString('hex');

describe('streams/hash/HashWorkers', function () {
  this.timeout(20_000);
  let hashers: HashWorkers | undefined;
  afterEach(async () => {
    await hashers?.close();
    hashers = undefined;
  });

  it('hashes shared-memory pieces on a worker thread, started with the first hash', async () => {
    hashers = new HashWorkers({ threads: 1 });
    expect(hashers.running).to.equal(0);
    const piece = sharedPiece(MiB);
    expect(hex(await hashers.sha1(piece))).to.equal(expected(piece));
    expect(hashers.running).to.equal(1);
  });

  it('hashes a view at an offset of its buffer, not the whole buffer', async () => {
    hashers = new HashWorkers({ threads: 1 });
    const view = sharedPiece(3 * 16384).subarray(16384, 2 * 16384 + 7);
    expect(hex(await hashers.sha1(view))).to.equal(expected(view));
  });

  it('spreads many pieces over its threads and answers each with its own digest', async () => {
    hashers = new HashWorkers({ threads: 2 });
    const pieces = Array.from({ length: 40 }, (_, i) => sharedPiece(16384 + i * 1000));
    const digests = await Promise.all(pieces.map((p) => (hashers as HashWorkers).sha1(p)));
    expect(digests.map(hex)).to.deep.equal(pieces.map(expected));
    expect(hashers.running).to.equal(2);
  });

  it('hashes ordinary (unshared) buffers, and everything when threads is 0, on the main thread', async () => {
    hashers = new HashWorkers({ threads: 1 });
    const plain = randomFillSync(Buffer.alloc(50_000));
    expect(hex(await hashers.sha1(plain))).to.equal(expected(plain));
    expect(hashers.running).to.equal(0);
    const none = new HashWorkers({ threads: 0 });
    const piece = sharedPiece(50_000);
    expect(hex(await none.sha1(piece))).to.equal(expected(piece));
    expect(none.running).to.equal(0);
  });

  it('rejects hashes on their way and after close with ERR_PIECE_HASHER_CLOSED', async () => {
    hashers = new HashWorkers({ threads: 1 });
    const settle = (pending: Promise<Uint8Array>): Promise<unknown> => pending.then(() => undefined, (e: unknown) => e);
    const onTheWay = settle(hashers.sha1(sharedPiece(8 * MiB)));
    await hashers.close();
    for (const err of await Promise.all([onTheWay, settle(hashers.sha1(sharedPiece(10)))])) {
      expect(isRxTorrentError(err, 'ERR_PIECE_HASHER_CLOSED'), String(err)).to.equal(true);
    }
    expect(hashers.running).to.equal(0);
  });

  it('when a worker dies, its pieces and all later ones are hashed on the main thread', async () => {
    hashers = new HashWorkers({ threads: 1 });
    const good = sharedPiece(MiB);
    // A view that lies about its size makes the worker throw, which kills it.
    const lying = { buffer: good.buffer, byteOffset: 0, byteLength: 4 * MiB } as Uint8Array;
    const crashing = hashers.sha1(lying);
    const queuedBehind = hashers.sha1(good);
    expect(await crashing.then(() => 'resolved', () => 'rejected')).to.equal('rejected');
    expect(hex(await queuedBehind)).to.equal(expected(good));
    const later = sharedPiece(1000);
    expect(hex(await hashers.sha1(later))).to.equal(expected(later));
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
      const piece = new Uint8Array(new SharedArrayBuffer(1 << 20)).fill(7);
      void new HashWorkers({ threads: 1 }).sha1(piece).then((d) => console.log(Buffer.from(d).toString('hex')));`;
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000, env: { ...process.env, NODE_OPTIONS: '' } }, (_err, out) =>
        resolve({ code: child.exitCode, stdout: out }),
      );
    });
    expect(code).to.equal(0);
    expect(stdout.trim()).to.equal(expected(new Uint8Array(1 << 20).fill(7)));
  });
});
