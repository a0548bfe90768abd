/** MSE/PE on loopback: policies both ways, the plaintext retry, hostile encrypted openings. */
import { expect } from 'chai';
import type { Socket } from 'node:net';
import { equalBytes } from '../../../src/protocol/bytes.js';
import { CRYPTO_BITS, DH_KEY_BYTES, RC4_DISCARD_BYTES, Rc4, dhKeyPair, dhSecret, mseHash, req2Hash } from '../../../src/protocol/mse/index.js';
import { encodeHandshake, generatePeerId } from '../../../src/protocol/wire/index.js';
import { connectPeer, type EncryptionPolicy, type PeerConnection } from '../../../src/streams/peer/index.js';
import { seededBytes } from '../../protocol/mse/mseFixtures.js';
import { INFO_HASH, closed, codeOf, listen, open, outcome, rawClient, rawServer, record, side, until, type Listener } from './peerHelpers.js';

const findSkey = (r: Uint8Array): Uint8Array | undefined => (equalBytes(r, req2Hash(INFO_HASH)) ? INFO_HASH : undefined);

/** Reads exactly `n` bytes from a socket. */
function readBytes(socket: Socket, n: number): Promise<Uint8Array> {
  return new Promise((resolve) => {
    let got = Buffer.alloc(0);
    const onData = (c: Buffer): void => {
      got = Buffer.concat([got, c]);
      if (got.length >= n) {
        socket.off('data', onData);
        socket.pause();
        if (got.length > n) socket.unshift(got.subarray(n));
        resolve(new Uint8Array(got.subarray(0, n)));
      }
    };
    socket.on('data', onData).resume();
  });
}

describe('message stream encryption (loopback)', function () {
  this.timeout(15_000);
  const listeners: Listener[] = [];
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
    for (const l of listeners.splice(0)) l.stop();
  });

  async function serve(encryption: EncryptionPolicy, handshakeMs = 10_000): Promise<Listener> {
    const bSide = side('all');
    const l = await listen({ encryption, findSkey, timeouts: { handshakeMs }, lookup: (ih) => (equalBytes(ih, INFO_HASH) ? bSide : undefined) });
    listeners.push(l);
    return l;
  }
  async function dial(port: number, encryption: EncryptionPolicy) {
    const opened = await open(connectPeer({ host: '127.0.0.1', port }, { infoHash: INFO_HASH, ...side('none'), encryption }));
    cleanups.push(() => opened.subscription.unsubscribe());
    return opened;
  }
  /** Sends a 16 KiB block each way and checks it arrives intact. */
  async function exchange(a: PeerConnection, b: PeerConnection): Promise<void> {
    const block = seededBytes(11)(16384);
    const fromA = record(b.messages$);
    const fromB = record(a.messages$);
    await a.send({ type: 'piece', index: 1, begin: 0, block });
    await b.send({ type: 'piece', index: 2, begin: 16384, block });
    await until(() => fromA.items.some((m) => m.type === 'piece') && fromB.items.some((m) => m.type === 'piece'));
    for (const got of [fromA.items, fromB.items]) {
      const piece = got.find((m) => m.type === 'piece');
      expect(piece?.type === 'piece' && equalBytes(piece.block, block)).to.equal(true);
    }
    fromA.subscription.unsubscribe();
    fromB.subscription.unsubscribe();
  }

  for (const [out, inn, encrypted] of [
    ['require', 'require', true],
    ['prefer', 'prefer', false],
    ['require', 'prefer', true],
    ['prefer', 'require', true],
    ['off', 'prefer', false],
    ['prefer', 'off', false],
  ] as const) {
    it(`dialling with ${out} into ${inn}: ${encrypted ? 'RC4' : 'plaintext'} both ways, messages intact`, async () => {
      const b = await serve(inn);
      const a = await dial(b.port, out);
      const bConn = (await b.next('connection')).connection;
      expect(a.connection.encrypted).to.equal(encrypted);
      expect(bConn.encrypted).to.equal(encrypted);
      await exchange(a.connection, bConn);
    });
  }

  it('prefer retries in plaintext once when the peer hangs up on MSE (the first try is refused)', async () => {
    const b = await serve('off');
    await dial(b.port, 'prefer');
    expect(codeOf((await b.next('refused')).error)).to.equal('ERR_WIRE_BAD_PROTOCOL');
  });

  it('prefer retries in plaintext once when the peer answers MSE with a plaintext handshake (it talks first)', async () => {
    let sockets = 0;
    const server = await rawServer((s) => {
      sockets++;
      s.write(encodeHandshake({ infoHash: INFO_HASH, peerId: generatePeerId(), extensions: { extended: false, fast: false } }));
      s.resume();
    });
    cleanups.push(() => void server.close());
    const a = await dial(server.port, 'prefer');
    expect(sockets).to.equal(2);
    expect(a.connection.encrypted).to.equal(false);
  });

  it('require does not fall back: a plaintext-only peer ends the dial with ERR_MSE_CLOSED', async () => {
    const b = await serve('off');
    const err = await outcome(connectPeer({ host: '127.0.0.1', port: b.port }, { infoHash: INFO_HASH, ...side('none'), encryption: 'require' }));
    expect(codeOf(err)).to.equal('ERR_MSE_CLOSED');
  });

  it('require refuses a plaintext handshake inbound (ERR_MSE_REFUSED)', async () => {
    const b = await serve('require');
    const err = outcome(connectPeer({ host: '127.0.0.1', port: b.port }, { infoHash: INFO_HASH, ...side('none'), peerId: generatePeerId() }));
    expect(codeOf((await b.next('refused')).error)).to.equal('ERR_MSE_REFUSED');
    expect(codeOf(await err)).to.equal('ERR_PEER_CLOSED');
  });

  describe('hostile openings, inbound (prefer)', () => {
    const refusedWith = async (l: Listener, write: (s: Socket) => Promise<void> | void): Promise<unknown> => {
      const socket = await rawClient(l.port);
      socket.on('error', () => undefined);
      await write(socket);
      socket.resume(); // read what it sends, so its close arrives
      const refused = await l.next('refused');
      await closed(socket);
      return codeOf(refused.error);
    };

    it('garbage instead of a handshake: no req1 within 532 bytes → ERR_MSE_SYNC_NOT_FOUND', async () => {
      const l = await serve('prefer');
      expect(await refusedWith(l, (s) => void s.write(seededBytes(1)(DH_KEY_BYTES + 600)))).to.equal('ERR_MSE_SYNC_NOT_FOUND');
    });

    it('a handshake that never completes → ERR_MSE_TIMEOUT', async () => {
      const l = await serve('prefer', 200);
      expect(await refusedWith(l, (s) => void s.write(dhKeyPair(seededBytes(2)(20)).publicKey))).to.equal('ERR_MSE_TIMEOUT');
    });

    it('a padding length out of range → ERR_MSE_BAD_PAD', async () => {
      const l = await serve('prefer');
      const code = await refusedWith(l, async (s) => {
        const ours = dhKeyPair(seededBytes(3)(20));
        s.write(ours.publicKey);
        const secret = dhSecret(ours.x, await readBytes(s, DH_KEY_BYTES));
        const header = new Uint8Array(16);
        new DataView(header.buffer).setUint32(8, CRYPTO_BITS.rc4, false);
        new DataView(header.buffer).setUint16(12, 0xffff, false);
        const req2 = req2Hash(INFO_HASH).map((x, i) => x ^ mseHash('req3', secret)[i]!);
        s.write(Buffer.concat([mseHash('req1', secret), req2, new Rc4(mseHash('keyA', secret, INFO_HASH), RC4_DISCARD_BYTES).copy(header)]));
      });
      expect(code).to.equal('ERR_MSE_BAD_PAD');
    });

    it('a close in the middle → ERR_MSE_CLOSED', async () => {
      const l = await serve('prefer');
      expect(await refusedWith(l, (s) => void s.end(seededBytes(4)(50)))).to.equal('ERR_MSE_CLOSED');
    });
  });

  describe('hostile peers we dial (require)', () => {
    const dialRequire = (port: number) =>
      outcome(connectPeer({ host: '127.0.0.1', port }, { infoHash: INFO_HASH, ...side('none'), encryption: 'require', timeouts: { handshakeMs: 200 } }));

    it('garbage instead of Yb and the encrypted VC → ERR_MSE_SYNC_NOT_FOUND', async () => {
      const server = await rawServer((s) => s.once('data', () => s.write(seededBytes(5)(DH_KEY_BYTES + 600))));
      cleanups.push(() => void server.close());
      expect(codeOf(await dialRequire(server.port))).to.equal('ERR_MSE_SYNC_NOT_FOUND');
    });

    it('silence → ERR_MSE_TIMEOUT', async () => {
      const server = await rawServer(() => undefined);
      cleanups.push(() => void server.close());
      expect(codeOf(await dialRequire(server.port))).to.equal('ERR_MSE_TIMEOUT');
    });

    it('68 bytes and a hang-up (a short reply, no Yb) → ERR_MSE_CLOSED, no connection', async () => {
      const server = await rawServer((s) => s.once('data', () => s.end(new Uint8Array(68).fill(19))));
      cleanups.push(() => void server.close());
      expect(codeOf(await dialRequire(server.port))).to.equal('ERR_MSE_CLOSED');
    });
  });
});
