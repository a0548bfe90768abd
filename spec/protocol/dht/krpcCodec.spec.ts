import { expect } from 'chai';
import fc from 'fast-check';
import { DhtError } from '../../../src/errors.js';
import { decodeCompactNodes, decodeCompactPeer, decodeKrpc, encodeCompactNodes, encodeKrpc, MAX_KRPC_PACKET_BYTES } from '../../../src/protocol/dht/index.js';
import type { DhtQuery, KrpcMessage } from '../../../src/protocol/dht/index.js';

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const id = fc.uint8Array({ minLength: 20, maxLength: 20 });
const tid = fc.uint8Array({ minLength: 1, maxLength: 16 });
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
const peer = fc.record({ host: ipv4, port: fc.integer({ min: 1, max: 65535 }) });
const node = fc.record({ id, host: ipv4, port: fc.integer({ min: 1, max: 65535 }) });

const query: fc.Arbitrary<DhtQuery> = fc.oneof(
  fc.record({ method: fc.constant('ping' as const), id }),
  fc.record({ method: fc.constant('find_node' as const), id, target: id }),
  fc.record({ method: fc.constant('get_peers' as const), id, infoHash: id }),
  fc.record({
    method: fc.constant('announce_peer' as const), id, infoHash: id, port: fc.integer({ min: 1, max: 65535 }),
    token: fc.uint8Array({ minLength: 1, maxLength: 64 }), impliedPort: fc.boolean(),
  }),
);
const message: fc.Arbitrary<KrpcMessage> = fc.oneof(
  fc.record({ type: fc.constant('query' as const), transactionId: tid, query }),
  fc.record({
    type: fc.constant('response' as const), transactionId: tid,
    response: fc.record({
      id,
      nodes: fc.array(node, { maxLength: 8 }),
      values: fc.array(peer, { maxLength: 20 }),
      token: fc.uint8Array({ minLength: 1, maxLength: 20 }),
    }, { requiredKeys: ['id'] }),
  }),
  fc.record({ type: fc.constant('error' as const), transactionId: tid, code: fc.integer({ min: 201, max: 204 }), message: fc.string({ maxLength: 40 }).filter((s) => !/[^\x20-\x7e]/.test(s)) }),
);

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (err) {
    if (err instanceof DhtError) return err.code;
    throw err;
  }
}

describe('KRPC codec', () => {
  it('round-trips every message', () => {
    fc.assert(fc.property(message, (m) => {
      expect(decodeKrpc(encodeKrpc(m))).to.deep.equal(m);
    }), { numRuns: 300 });
  });

  it('never throws anything but a DhtError on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      codeOf(() => decodeKrpc(bytes));
    }), { numRuns: 2000 });
  });

  it('never throws anything but a DhtError on mutated valid packets', () => {
    fc.assert(fc.property(message, fc.nat(), fc.nat(255), (m, at, byte) => {
      const bytes = encodeKrpc(m);
      bytes[at % bytes.length] = byte;
      codeOf(() => decodeKrpc(bytes));
      codeOf(() => decodeKrpc(bytes.subarray(0, at % bytes.length)));
    }), { numRuns: 2000 });
  });

  it('decodes a method it does not know as unknown (to be answered 204)', () => {
    const m = decodeKrpc(ascii('d1:ad2:id20:aaaaaaaaaaaaaaaaaaaae1:q4:vote1:t2:xy1:y1:qe'));
    expect(m).to.deep.include({ type: 'query' });
    expect(m.type === 'query' && m.query).to.deep.include({ method: 'unknown', name: 'vote' });
  });

  it('reads BEP 43 read-only queries and skips BEP 32 (IPv6) values', () => {
    const ro = decodeKrpc(ascii('d1:ad2:id20:aaaaaaaaaaaaaaaaaaaae1:q4:ping2:roi1e1:t1:x1:y1:qe'));
    expect(ro.type === 'query' && ro.readOnly).to.equal(true);
    const v6 = decodeKrpc(ascii(`d1:rd2:id20:aaaaaaaaaaaaaaaaaaaa6:valuesl18:${'b'.repeat(18)}6:\x7f\x00\x00\x01\x1a\xe1ee1:t1:x1:y1:re`));
    expect(v6.type === 'response' && v6.response.values).to.deep.equal([{ host: '127.0.0.1', port: 6881 }]);
  });

  const id20 = 'a'.repeat(20);
  const table: [string, string | Uint8Array, string][] = [
    ['over 1,500 bytes', new Uint8Array(MAX_KRPC_PACKET_BYTES + 1), 'ERR_DHT_PACKET_TOO_LARGE'],
    ['not bencode', 'hello', 'ERR_DHT_BAD_MESSAGE'],
    ['trailing bytes', 'd1:t1:x1:y1:qexx', 'ERR_DHT_BAD_MESSAGE'],
    ['a list', 'le', 'ERR_DHT_BAD_MESSAGE'],
    ['no t', 'd1:y1:qe', 'ERR_DHT_BAD_MESSAGE'],
    ['t too long', `d1:t17:${'x'.repeat(17)}1:y1:qe`, 'ERR_DHT_BAD_MESSAGE'],
    ['t an integer', 'd1:ti1e1:y1:qe', 'ERR_DHT_BAD_MESSAGE'],
    ['y unknown', 'd1:t1:x1:y1:ze', 'ERR_DHT_BAD_MESSAGE'],
    ['y two bytes', 'd1:t1:x1:y2:qqe', 'ERR_DHT_BAD_MESSAGE'],
    ['query without a', 'd1:q4:ping1:t1:x1:y1:qe', 'ERR_DHT_BAD_MESSAGE'],
    ['query without q', `d1:ad2:id20:${id20}e1:t1:x1:y1:qe`, 'ERR_DHT_BAD_MESSAGE'],
    ['id of 19 bytes', `d1:ad2:id19:${'a'.repeat(19)}e1:q4:ping1:t1:x1:y1:qe`, 'ERR_DHT_BAD_MESSAGE'],
    ['id an integer', 'd1:ad2:idi5ee1:q4:ping1:t1:x1:y1:qe', 'ERR_DHT_BAD_MESSAGE'],
    ['find_node without target', `d1:ad2:id20:${id20}e1:q9:find_node1:t1:x1:y1:qe`, 'ERR_DHT_BAD_MESSAGE'],
    ['get_peers short info_hash', `d1:ad2:id20:${id20}9:info_hash3:abce1:q9:get_peers1:t1:x1:y1:qe`, 'ERR_DHT_BAD_MESSAGE'],
    ['announce port 0', `d1:ad2:id20:${id20}9:info_hash20:${id20}4:porti0e5:token1:ke1:q13:announce_peer1:t1:x1:y1:qe`, 'ERR_DHT_BAD_MESSAGE'],
    ['announce port 65536', `d1:ad2:id20:${id20}9:info_hash20:${id20}4:porti65536e5:token1:ke1:q13:announce_peer1:t1:x1:y1:qe`, 'ERR_DHT_BAD_MESSAGE'],
    ['announce without token', `d1:ad2:id20:${id20}9:info_hash20:${id20}4:porti1ee1:q13:announce_peer1:t1:x1:y1:qe`, 'ERR_DHT_BAD_MESSAGE'],
    ['token too long', `d1:ad2:id20:${id20}9:info_hash20:${id20}4:porti1e5:token65:${'k'.repeat(65)}e1:q13:announce_peer1:t1:x1:y1:qe`, 'ERR_DHT_BAD_MESSAGE'],
    ['response without r', 'd1:t1:x1:y1:re', 'ERR_DHT_BAD_MESSAGE'],
    ['response without id', 'd1:rde1:t1:x1:y1:re', 'ERR_DHT_BAD_MESSAGE'],
    ['nodes of 25 bytes', `d1:rd2:id20:${id20}5:nodes25:${'n'.repeat(25)}e1:t1:x1:y1:re`, 'ERR_DHT_BAD_COMPACT'],
    ['values not a list', `d1:rd2:id20:${id20}6:values6:abcdefe1:t1:x1:y1:re`, 'ERR_DHT_BAD_MESSAGE'],
    ['value of 5 bytes', `d1:rd2:id20:${id20}6:valuesl5:abcdeee1:t1:x1:y1:re`, 'ERR_DHT_BAD_COMPACT'],
    ['value an integer', `d1:rd2:id20:${id20}6:valuesli1eee1:t1:x1:y1:re`, 'ERR_DHT_BAD_MESSAGE'],
    ['error without e', 'd1:t1:x1:y1:ee', 'ERR_DHT_BAD_MESSAGE'],
    ['error code not an integer', 'd1:eli1:ae1:t1:x1:y1:ee'.replace('li1:a', 'l1:a'), 'ERR_DHT_BAD_MESSAGE'],
    ['nested too deep', 'd1:ad1:xllllleeeeeee1:q4:ping1:t1:x1:y1:qe', 'ERR_DHT_BAD_MESSAGE'],
    ['non-UTF-8 key', 'd1:\xff1:x1:t1:x1:y1:qe', 'ERR_DHT_BAD_MESSAGE'],
  ];
  for (const [name, input, code] of table) {
    it(`refuses ${name} (${code})`, () => {
      const bytes = typeof input === 'string' ? ascii(input) : input;
      expect(codeOf(() => decodeKrpc(bytes))).to.equal(code);
    });
  }

  it('keeps the transaction id on errors once t was read, so a query can be answered 203', () => {
    try {
      decodeKrpc(ascii('d1:ad2:id3:abce1:q4:ping1:t2:ok1:y1:qe'));
      expect.fail('decoded');
    } catch (err) {
      expect((err as DhtError).transactionId).to.deep.equal(ascii('ok'));
    }
  });
});

describe('compact node and peer info', () => {
  it('round-trips nodes and skips port 0 and IPv6', () => {
    const nodes = [{ id: new Uint8Array(20).fill(1), host: '127.0.0.1', port: 6881 }];
    const bytes = encodeCompactNodes([...nodes, { id: new Uint8Array(20), host: '::1', port: 1 }]);
    expect(bytes.length).to.equal(26);
    expect(decodeCompactNodes(bytes)).to.deep.equal(nodes);
    const zero = new Uint8Array(26);
    expect(decodeCompactNodes(zero)).to.deep.equal([]);
    expect(decodeCompactPeer(new Uint8Array(6))).to.equal(undefined);
    expect(codeOf(() => decodeCompactPeer(new Uint8Array(7)))).to.equal('ERR_DHT_BAD_COMPACT');
  });
});
