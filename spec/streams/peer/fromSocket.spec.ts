import { expect } from 'chai';
import type { Socket } from 'node:net';
import { fromSocket } from '../../../src/streams/peer/index.js';
import { MAX_UNSENT_BYTES, MAX_UNSENT_WRITES } from '../../../src/streams/peer/fromSocket.js';
import { closed, codeOf, outcome, rawClient, rawServer, received, until } from './peerHelpers.js';

describe('fromSocket', function () {
  this.timeout(10_000);
  let server: Awaited<ReturnType<typeof rawServer>>;
  let remote: Promise<Socket>;
  beforeEach(async () => {
    let accept!: (s: Socket) => void;
    remote = new Promise((r) => (accept = r));
    server = await rawServer((s) => accept(s));
  });
  afterEach(() => server.close());

  it('emits received bytes as plain Uint8Arrays and completes when the peer ends', async () => {
    const io = fromSocket(await rawClient(server.port));
    const chunks: Uint8Array[] = [];
    const done = new Promise<void>((resolve) => io.bytes$.subscribe({ next: (c) => chunks.push(c), complete: resolve }));
    const peer = await remote;
    peer.end(Uint8Array.of(1, 2, 3));
    await done;
    expect(chunks.every((c) => Object.getPrototypeOf(c) === Uint8Array.prototype)).to.equal(true);
    expect(chunks.flatMap((c) => [...c])).to.deep.equal([1, 2, 3]);
  });

  it('destroys the socket on unsubscribe', async () => {
    const socket = await rawClient(server.port);
    const peer = await remote;
    fromSocket(socket).bytes$.subscribe().unsubscribe();
    expect(socket.destroyed).to.equal(true);
    await closed(peer);
  });

  it('completes when the peer resets: it is gone either way', async () => {
    const io = fromSocket(await rawClient(server.port));
    const end = outcome(io.bytes$);
    (await remote).resetAndDestroy();
    expect(await end).to.equal('complete');
  });

  it('errors with ERR_PEER_SOCKET_ERROR on other socket errors, the cause attached', async () => {
    const socket = await rawClient(server.port);
    const end = outcome(fromSocket(socket).bytes$);
    const cause = Object.assign(new Error('no route'), { code: 'EHOSTUNREACH' });
    socket.destroy(cause);
    const err = await end;
    expect(codeOf(err)).to.equal('ERR_PEER_SOCKET_ERROR');
    expect((err as Error).cause).to.equal(cause);
  });

  it('writes several chunks back to back, in order', async () => {
    const io = fromSocket(await rawClient(server.port));
    const peer = await remote;
    const got = received(peer);
    await io.write(Uint8Array.of(1, 2), Uint8Array.of(3), Uint8Array.of(4, 5));
    io.destroy();
    await closed(peer);
    expect([...got.bytes()]).to.deep.equal([1, 2, 3, 4, 5]);
  });

  it('resolves writes only after drain when the peer does not read (backpressure)', async () => {
    const socket = await rawClient(server.port);
    const io = fromSocket(socket);
    const peer = await remote;
    peer.pause();
    const block = new Uint8Array(1 << 20);
    let pending: Promise<void> | undefined;
    let resolved = false;
    for (let i = 0; i < 64 && pending === undefined; i++) {
      const write = io.write(block);
      // The tick's writes leave at its end; one the kernel could not take waits for drain.
      await new Promise((r) => setImmediate(r));
      if (socket.writableNeedDrain) pending = write.then(() => void (resolved = true));
    }
    expect(pending, 'the socket buffer never filled').to.not.equal(undefined);
    await new Promise((r) => setTimeout(r, 50));
    expect(resolved).to.equal(false);
    peer.resume();
    await pending;
    expect(resolved).to.equal(true);
    io.destroy();
  });

  it(`stops reading while more than MAX_UNSENT_WRITES writes (or MAX_UNSENT_BYTES) wait to be sent (a peer that asks and never reads), and reads again once they are`, async () => {
    const socket = await rawClient(server.port);
    const io = fromSocket(socket);
    io.bytes$.subscribe();
    const peer = await remote;
    peer.pause();
    // 17-byte replies, as rejects are, written without waiting: only the bound stops them.
    const reply = new Uint8Array(17);
    let written = 0;
    let held = -1;
    while (!socket.isPaused() && written < 64 * MAX_UNSENT_BYTES) {
      if (held < 0 && socket.writableLength > 0 && socket.writableNeedDrain) held = 0;
      if (held >= 0) held++;
      void io.write(reply);
      written += reply.length;
      if (written % (64 * 1024) < 17) await new Promise((r) => setImmediate(r));
    }
    expect(socket.isPaused(), `still reading after ${written} bytes queued`).to.equal(true);
    expect(held, 'writes after the socket first held one back').to.be.within(MAX_UNSENT_WRITES, MAX_UNSENT_WRITES + 2);
    expect(socket.writableLength).to.be.below(MAX_UNSENT_BYTES);
    io.pause();
    peer.resume();
    await until(() => socket.writableLength === 0);
    expect(socket.isPaused(), 'the owner\'s pause still holds').to.equal(true);
    io.resume();
    expect(socket.isPaused()).to.equal(false);
    io.destroy();
  });

  it('stops reading while more than MAX_UNSENT_BYTES of large writes wait to be sent', async () => {
    const socket = await rawClient(server.port);
    const io = fromSocket(socket);
    io.bytes$.subscribe();
    (await remote).pause();
    const block = new Uint8Array(16 * 1024);
    // The kernel's buffers take the first few MiB: only what they do not take counts.
    for (let i = 0; i < 4096 && !socket.isPaused(); i++) {
      void io.write(block);
      if (i % 4 === 3) await new Promise((r) => setImmediate(r));
    }
    expect(socket.isPaused()).to.equal(true);
    expect(socket.writableLength).to.be.within(MAX_UNSENT_BYTES, MAX_UNSENT_BYTES + block.length);
    io.destroy();
  });

  it('resolves pending and later writes once the socket is closed', async () => {
    const socket = await rawClient(server.port);
    const io = fromSocket(socket);
    (await remote).pause();
    let pending: Promise<void> | undefined;
    for (let i = 0; i < 64 && pending === undefined; i++) {
      const write = io.write(new Uint8Array(1 << 20));
      if (socket.writableNeedDrain) pending = write;
    }
    io.destroy();
    await pending;
    await io.write(Uint8Array.of(1));
    await until(() => io.destroyed);
  });

  it('lend: releases lent chunks once the kernel has them, not when the write resolves under backpressure', async () => {
    const socket = await rawClient(server.port);
    const io = fromSocket(socket);
    const peer = await remote;
    peer.pause();
    const released: number[] = [];
    const block = new Uint8Array(256 * 1024);
    // The peer does not read: after the kernel buffers fill, lent blocks stay held.
    for (let i = 0; i < 64; i++) void io.lend(() => released.push(i), block, Uint8Array.of(i));
    await new Promise((r) => setTimeout(r, 50));
    const early = released.length;
    expect(early, 'some lent writes are still held').to.be.below(64);
    expect(released).to.deep.equal([...Array(early).keys()]);
    peer.resume();
    await until(() => released.length === 64);
    expect(released).to.deep.equal([...Array(64).keys()]);
    io.destroy();
  });

  it('lend: releases what a destroyed socket dropped, and releases at once on a closed one', async () => {
    const socket = await rawClient(server.port);
    const io = fromSocket(socket);
    (await remote).pause();
    let released = 0;
    const block = new Uint8Array(1 << 20);
    for (let i = 0; i < 32; i++) void io.lend(() => released++, block);
    io.destroy();
    await until(() => released === 32);
    void io.lend(() => released++, block);
    expect(released).to.equal(33);
  });
});
