import { expect } from 'chai';
import fc from 'fast-check';
import { ExtensionError } from '../../../src/errors.js';
import { encodeBencode } from '../../../src/protocol/bencode/index.js';
import {
  MAX_PEX_PEERS_SENT,
  PexFlags,
  decodePexMessage,
  encodePexMessage,
  type PexMessage,
  type PexPeer,
} from '../../../src/protocol/extensions/index.js';
import { bytesToIp, type PeerAddress } from '../../../src/protocol/peerAddress.js';
import { ascii, extCode } from './extFixtures.js';

const v4 = (last: number, port = 6881): PeerAddress => ({ host: `10.0.0.${last}`, port });
const v6 = (last: number, port = 6881): PeerAddress => ({ host: `2001:db8::${last.toString(16)}`, port });
/** `n` compact IPv4 peers 10.0.x.y:6881, entry i at 10.0.(i >> 8).(i & 255). */
const compact4 = (n: number): Uint8Array =>
  new Uint8Array(Array.from({ length: n }, (_, i) => [10, 0, i >> 8, i & 0xff, 0x1a, 0xe1]).flat());

const address: fc.Arbitrary<PeerAddress> = fc.oneof(
  fc.record({ host: fc.uint8Array({ minLength: 4, maxLength: 4 }).map(bytesToIp), port: fc.integer({ min: 1, max: 65535 }) }),
  fc.record({ host: fc.uint8Array({ minLength: 16, maxLength: 16 }).map(bytesToIp), port: fc.integer({ min: 1, max: 65535 }) }),
);

/** What decoding gives back: IPv4 before IPv6, each family in order. */
function canonical(message: PexMessage): PexMessage {
  const byFamily = <T>(items: readonly T[], host: (t: T) => string): T[] =>
    [...items.filter((t) => !host(t).includes(':')), ...items.filter((t) => host(t).includes(':'))];
  return { added: byFamily(message.added, (p) => p.address.host), dropped: byFamily(message.dropped, (a) => a.host) };
}

describe('ut_pex messages (BEP 11)', () => {
  it('encodes every list, with one flag byte per added peer', () => {
    const bytes = encodePexMessage({ added: [{ address: v4(1), flags: PexFlags.seed | PexFlags.connectable }], dropped: [v4(2, 80)] });
    expect(String.fromCharCode(...bytes)).to.equal(
      'd5:added6:\x0a\x00\x00\x01\x1a\xe17:added.f1:\x126:added60:8:added6.f0:7:dropped6:\x0a\x00\x00\x02\x00\x508:dropped60:e',
    );
  });

  it('round-trips (property)', () => {
    const message = fc.record({
      added: fc.array(fc.record({ address, flags: fc.integer({ min: 0, max: 255 }) }), { maxLength: MAX_PEX_PEERS_SENT }),
      dropped: fc.array(address, { maxLength: MAX_PEX_PEERS_SENT }),
    });
    fc.assert(fc.property(message, (m) => {
      expect(decodePexMessage(encodePexMessage(m))).to.deep.equal(canonical(m));
    }));
  });

  it('reads what other clients send: absent lists are empty, absent flags are 0, unknown keys ignored', () => {
    const payload = encodeBencode({ added: compact4(2), 'x-extra': 1 });
    const m = decodePexMessage(payload);
    expect(m.dropped).to.deep.equal([]);
    expect(m.added.map((p: PexPeer) => p.flags)).to.deep.equal([0, 0]);
    expect(m.added[1]?.address).to.deep.equal({ host: '10.0.0.1', port: 6881 });
    expect(decodePexMessage(ascii('de'))).to.deep.equal({ added: [], dropped: [] });
  });

  it('takes at most maxPeers added and maxPeers dropped, ignoring the excess', () => {
    const payload = encodeBencode({ added: compact4(300), 'added.f': new Uint8Array(300), dropped: compact4(300) });
    const m = decodePexMessage(payload);
    expect(m.added).to.have.length(200);
    expect(m.dropped).to.have.length(200);
    const few = decodePexMessage(payload, { maxPeers: 3 });
    expect([few.added.length, few.dropped.length]).to.deep.equal([3, 3]);
    const both = encodeBencode({ added: compact4(2), added6: new Uint8Array(18 * 2).fill(1) });
    expect(decodePexMessage(both, { maxPeers: 3 }).added.map((p) => p.address.host.includes(':'))).to.deep.equal([false, false, true]);
  });

  describe('hostile payloads give ERR_EXT_PEX_BAD_MESSAGE', () => {
    const table: [string, Uint8Array, { maxLength?: number }?][] = [
      ['empty', new Uint8Array(0)],
      ['garbage', ascii('\xff\xfe\x00')],
      ['not a dict', ascii('l5:addede')],
      ['trailing bytes', ascii('dexx')],
      ['nesting bomb', ascii(`d1:x${'l'.repeat(10)}${'e'.repeat(10)}e`)],
      ['added not a string', ascii('d5:addedi1ee')],
      ['dropped a list', ascii('d7:droppedleee')],
      ['added6.f an integer', encodeBencode({ added6: new Uint8Array(18).fill(1), 'added6.f': 0 })],
      ['added of 7 bytes', encodeBencode({ added: new Uint8Array(7).fill(1) })],
      ['added6 of 17 bytes', encodeBencode({ added6: new Uint8Array(17).fill(1) })],
      ['dropped6 of 19 bytes', encodeBencode({ dropped6: new Uint8Array(19).fill(1) })],
      ['port 0', encodeBencode({ added: Uint8Array.of(10, 0, 0, 1, 0, 0) })],
      ['port 0 in dropped6', encodeBencode({ dropped6: new Uint8Array(18) })],
      ['fewer flags than peers', encodeBencode({ added: compact4(2), 'added.f': new Uint8Array(1) })],
      ['more flags than peers', encodeBencode({ added: compact4(2), 'added.f': new Uint8Array(3) })],
      ['over the length cap', encodeBencode({ added: compact4(20) }), { maxLength: 100 }],
    ];
    for (const [name, payload, limits] of table) {
      it(name, () => expect(extCode(() => decodePexMessage(payload, limits))).to.equal('ERR_EXT_PEX_BAD_MESSAGE'));
    }
  });

  it('random bytes give a message or an ExtensionError (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      try {
        decodePexMessage(bytes);
      } catch (err) {
        expect(err).to.be.instanceOf(ExtensionError);
      }
    }), { numRuns: 2000 });
  });

  describe('refuses to encode', () => {
    const many = Array.from({ length: 51 }, (_, i) => v4(i + 1));
    const table: [string, PexMessage][] = [
      ['51 added', { added: many.map((a) => ({ address: a, flags: 0 })), dropped: [] }],
      ['51 dropped, across families', { added: [], dropped: [...many.slice(0, 30), ...many.slice(30).map((_, i) => v6(i + 1))] }],
      ['a host name', { added: [{ address: { host: 'example.com', port: 1 }, flags: 0 }], dropped: [] }],
      ['port 0', { added: [], dropped: [v4(1, 0)] }],
      ['flags over a byte', { added: [{ address: v4(1), flags: 256 }], dropped: [] }],
    ];
    for (const [name, message] of table) {
      it(name, () => expect(extCode(() => encodePexMessage(message))).to.equal('ERR_EXT_INVALID_ARGUMENT'));
    }
  });
});
