/**
 * Hostile peers as raw sockets: every misbehaviour ends in a typed error and a closed socket —
 * never a crash, a hang or an unbounded buffer.
 */
import { expect } from 'chai';
import type { Socket } from 'node:net';
import { VirtualTimeScheduler, mergeMap } from 'rxjs';
import { equalBytes } from '../../../src/protocol/bytes.js';
import { HANDSHAKE_LENGTH, encodeHandshake, encodeMessage } from '../../../src/protocol/wire/index.js';
import { connectPeer, type ConnectPeerOptions } from '../../../src/streams/peer/index.js';
import { freePort } from '../../helpers/net.js';
import { ascii, concat, rawFrame, u32 } from '../../protocol/wire/wireFixtures.js';
import {
  INFO_HASH, OTHER_INFO_HASH, closed, codeOf, listen, outcome, rawClient, rawServer, received, record, side, type Listener,
} from './peerHelpers.js';

const REMOTE_ID = ascii('-XX0000-hostilepeer!');
const hello = (infoHash = INFO_HASH): Uint8Array =>
  encodeHandshake({ infoHash, peerId: REMOTE_ID, extensions: { extended: true, fast: true } });
const handshakeWith = (protocol: string): Uint8Array => {
  const bytes = hello();
  bytes.set(ascii(protocol), 1);
  return bytes;
};
const have = encodeMessage({ type: 'have', index: 1 });
const u32s = (...values: number[]): number[] => values.flatMap(u32);

interface Case {
  readonly name: string;
  /** What the hostile peer sends once our handshake arrived (undefined: nothing at all). */
  readonly bytes?: Uint8Array;
  /** Close after sending (FIN). */
  readonly end?: boolean;
  readonly code: string;
  readonly options?: Partial<ConnectPeerOptions>;
}

const outboundCases: readonly Case[] = [
  { name: 'a length prefix of 4 GiB - 1', bytes: concat([hello(), Uint8Array.from(u32(0xffffffff)), new Uint8Array(65536)]), code: 'ERR_WIRE_FRAME_TOO_LONG' },
  { name: 'a piece frame one byte over the block cap', bytes: concat([hello(), Uint8Array.from(u32(9 + 16384 + 1)), Uint8Array.of(7)]), code: 'ERR_WIRE_FRAME_TOO_LONG' },
  { name: 'an unknown message id over its cap', bytes: concat([hello(), rawFrame(0x42, new Uint8Array(2000))]), code: 'ERR_WIRE_FRAME_TOO_LONG' },
  { name: 'a bitfield of the wrong size', bytes: concat([hello(), rawFrame(5, [0xff])]), code: 'ERR_WIRE_BITFIELD_LENGTH' },
  { name: 'a bitfield with spare bits set', bytes: concat([hello(), rawFrame(5, [0xff, 0xff, 0xff])]), code: 'ERR_WIRE_BITFIELD_SPARE_BITS' },
  { name: 'a have index out of range', bytes: concat([hello(), rawFrame(4, u32(20))]), code: 'ERR_WIRE_INDEX_OUT_OF_RANGE' },
  { name: 'a request of length 0', bytes: concat([hello(), rawFrame(6, u32s(0, 0, 0))]), code: 'ERR_WIRE_BAD_REQUEST' },
  { name: 'a request over the limit', bytes: concat([hello(), rawFrame(6, u32s(0, 0, 16385))]), code: 'ERR_WIRE_BAD_REQUEST' },
  { name: 'a piece with an empty block', bytes: concat([hello(), rawFrame(7, u32s(0, 0))]), code: 'ERR_WIRE_BAD_BLOCK' },
  { name: 'interested with a payload', bytes: concat([hello(), rawFrame(2, [0])]), code: 'ERR_WIRE_BAD_LENGTH' },
  { name: 'a malformed extension handshake', bytes: concat([hello(), rawFrame(20, [0, ...ascii('d1:mi1ee')])]), code: 'ERR_WIRE_BAD_EXTENDED_HANDSHAKE' },
  { name: 'a handshake with a wrong protocol string', bytes: handshakeWith('BitTorrent protocoX'), code: 'ERR_WIRE_BAD_PROTOCOL' },
  { name: 'a handshake for another info-hash', bytes: hello(OTHER_INFO_HASH), code: 'ERR_PEER_INFO_HASH_MISMATCH' },
  { name: 'garbage instead of a handshake', bytes: ascii('GET /announce HTTP/1.1\r\n\r\n'), code: 'ERR_WIRE_BAD_PROTOCOL' },
  { name: 'a close mid-frame', bytes: concat([hello(), have.subarray(0, 6)]), end: true, code: 'ERR_WIRE_TRUNCATED' },
  { name: 'a close mid-handshake', bytes: hello().subarray(0, 30), end: true, code: 'ERR_PEER_CLOSED' },
  { name: 'silence instead of a handshake', code: 'ERR_PEER_HANDSHAKE_TIMEOUT', options: { timeouts: { handshakeMs: 150 } } },
  { name: 'silence after the handshake', bytes: hello(), code: 'ERR_PEER_TIMEOUT', options: { timeouts: { keepAliveMs: 50, idleMs: 300 } } },
];

describe('hostile peers', function () {
  this.timeout(10_000);

  describe('that we dial', () => {
    for (const c of outboundCases) {
      it(`${c.name} → ${c.code}, socket closed`, async () => {
        let accepted!: (s: Socket) => void;
        const peer = new Promise<Socket>((r) => (accepted = r));
        const server = await rawServer((socket) => {
          accepted(socket);
          // The 'data' listener keeps the socket flowing, so it sees our close.
          socket.once('data', () => {
            if (c.bytes === undefined) return;
            if (c.end === true) socket.end(c.bytes);
            else socket.write(c.bytes);
          });
        });
        try {
          const conn$ = connectPeer({ host: '127.0.0.1', port: server.port }, { infoHash: INFO_HASH, ...side('none'), ...c.options });
          const end = await outcome(conn$.pipe(mergeMap((conn) => conn.messages$)));
          expect(codeOf(end), String(end)).to.equal(c.code);
          await closed(await peer);
        } finally {
          await server.close();
        }
      });
    }

    it('sends keep-alives to a silent peer before dropping it', async () => {
      let chunks!: ReturnType<typeof received>;
      const server = await rawServer((socket) => {
        chunks = received(socket);
        socket.once('data', () => socket.write(hello()));
      });
      try {
        const conn$ = connectPeer({ host: '127.0.0.1', port: server.port }, { infoHash: INFO_HASH, ...side([]), timeouts: { keepAliveMs: 40, idleMs: 300 } });
        expect(codeOf(await outcome(conn$.pipe(mergeMap((c) => c.messages$))))).to.equal('ERR_PEER_TIMEOUT');
        const bytes = chunks.bytes();
        // Our handshake, our extension handshake (no bitfield: have-none as both speak BEP 6), then keep-alives.
        expect(bytes.length).to.be.greaterThan(HANDSHAKE_LENGTH + 4 * 3);
        expect([...bytes.subarray(-8)]).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0]);
      } finally {
        await server.close();
      }
    });

    it('refused → ERR_PEER_CONNECT_FAILED', async () => {
      const port = await freePort();
      const err = await outcome(connectPeer({ host: '127.0.0.1', port }, { infoHash: INFO_HASH, ...side('none') }));
      expect(codeOf(err)).to.equal('ERR_PEER_CONNECT_FAILED');
      expect((err as Error).cause).to.have.property('code', 'ECONNREFUSED');
    });

    it('no connection in time → ERR_PEER_CONNECT_TIMEOUT (virtual time)', async () => {
      const server = await rawServer(() => undefined);
      try {
        const scheduler = new VirtualTimeScheduler();
        const end = outcome(connectPeer({ host: '127.0.0.1', port: server.port }, { infoHash: INFO_HASH, ...side('none'), scheduler }));
        scheduler.flush(); // 10 s pass before the event loop could complete the connection
        expect(codeOf(await end)).to.equal('ERR_PEER_CONNECT_TIMEOUT');
      } finally {
        await server.close();
      }
    });
  });

  describe('that dial us', () => {
    let listener: Listener;
    beforeEach(async () => {
      listener = await listen({
        timeouts: { handshakeMs: 150 },
        lookup: (ih) => (equalBytes(ih, INFO_HASH) ? side('all') : undefined),
      });
    });
    afterEach(() => listener.stop());

    const inboundCases: readonly { name: string; bytes?: Uint8Array; end?: boolean; code: string }[] = [
      { name: 'garbage instead of a handshake', bytes: ascii('\x13BitTorrent protocoX'), code: 'ERR_WIRE_BAD_PROTOCOL' },
      { name: 'a handshake for a torrent we do not serve', bytes: hello(OTHER_INFO_HASH), code: 'ERR_PEER_UNKNOWN_INFO_HASH' },
      { name: 'silence instead of a handshake', code: 'ERR_PEER_HANDSHAKE_TIMEOUT' },
      { name: 'a close mid-handshake', bytes: hello().subarray(0, 67), end: true, code: 'ERR_PEER_CLOSED' },
    ];
    for (const c of inboundCases) {
      it(`${c.name} → refused with ${c.code}, socket closed, nothing sent`, async () => {
        const socket = await rawClient(listener.port);
        socket.on('error', () => undefined);
        const got = received(socket);
        if (c.bytes !== undefined) (c.end === true ? socket.end(c.bytes) : socket.write(c.bytes));
        const refused = await listener.next('refused');
        expect(codeOf(refused.error)).to.equal(c.code);
        await closed(socket);
        expect(got.bytes()).to.have.length(0);
      });
    }

    const afterHandshake: readonly { name: string; bytes: Uint8Array; code: string }[] = [
      { name: 'a 4 GiB length prefix in the handshake\'s chunk', bytes: concat([hello(), Uint8Array.from(u32(0xffffffff))]), code: 'ERR_WIRE_FRAME_TOO_LONG' },
      { name: 'a bitfield of the wrong size in the handshake\'s chunk', bytes: concat([hello(), rawFrame(5, [0xff, 0xff])]), code: 'ERR_WIRE_BITFIELD_LENGTH' },
    ];
    for (const c of afterHandshake) {
      it(`${c.name} → messages$ errors with ${c.code}, socket closed`, async () => {
        const socket = await rawClient(listener.port);
        socket.on('error', () => undefined).resume();
        socket.write(c.bytes);
        const { connection } = await listener.next('connection');
        const messages = record(connection.messages$);
        expect(codeOf(await messages.end)).to.equal(c.code);
        expect(connection.closed).to.equal(true);
        await closed(socket);
      });
    }
  });
});
