import { expect } from 'chai';
import {
  answerQuery, PEER_TTL_MS, PeerStore, QueryLimiter, RoutingTable, TOKEN_ROTATE_MS, TokenIssuer, TransactionTable,
} from '../../../src/protocol/dht/index.js';
import type { AnswerContext, DhtQuery } from '../../../src/protocol/dht/index.js';
import { seededRandom } from '../../helpers/random.js';

const hash = (b: number): Uint8Array => new Uint8Array(20).fill(b);
const peer = (port: number) => ({ host: '127.0.0.1', port });

describe('TokenIssuer', () => {
  it('accepts a token from the IP it was given to for 5–10 minutes, and no other', () => {
    const tokens = new TokenIssuer(seededRandom(1), 0);
    const token = tokens.issue('127.0.0.1', 1000);
    expect(token).to.have.length(8);
    expect(tokens.check(token, '127.0.0.1', 1000)).to.equal(true);
    expect(tokens.check(token, '127.0.0.2', 1000)).to.equal(false);
    expect(tokens.check(token, '127.0.0.1', TOKEN_ROTATE_MS + 1)).to.equal(true);
    expect(tokens.check(token, '127.0.0.1', 2 * TOKEN_ROTATE_MS + 1)).to.equal(false);
    const later = tokens.issue('127.0.0.1', 10 * TOKEN_ROTATE_MS);
    expect(tokens.check(later, '127.0.0.1', 10 * TOKEN_ROTATE_MS + 5)).to.equal(true);
    expect(tokens.check(new Uint8Array(8), '127.0.0.1', 10 * TOKEN_ROTATE_MS + 5)).to.equal(false);
  });
});

describe('PeerStore', () => {
  it('expires announces after 30 minutes and refreshes on re-announce', () => {
    const store = new PeerStore();
    store.add(hash(1), peer(1), 0);
    store.add(hash(1), peer(2), 1000);
    expect(store.get(hash(1), 50, 1)).to.deep.equal([peer(2), peer(1)]);
    store.add(hash(1), peer(1), PEER_TTL_MS - 1);
    expect(store.get(hash(1), 50, PEER_TTL_MS + 1000)).to.deep.equal([peer(1)]);
    store.expire(2 * PEER_TTL_MS);
    expect(store.size).to.equal(0);
    expect(store.torrentCount).to.equal(0);
  });

  it('is capped per info-hash (oldest gives way), in info-hashes and in total', () => {
    const store = new PeerStore({ maxPeersPerTorrent: 3, maxTorrents: 2, maxPeers: 5 });
    for (let p = 1; p <= 5; p++) store.add(hash(1), peer(p), p);
    expect(store.get(hash(1), 50, 10).map((x) => x.port)).to.deep.equal([5, 4, 3]);
    expect(store.add(hash(2), peer(1), 10)).to.equal(true);
    expect(store.add(hash(3), peer(1), 10)).to.equal(false);
    store.add(hash(2), peer(2), 10);
    expect(store.add(hash(2), peer(3), 10)).to.equal(false);
    expect(store.size).to.equal(5);
  });
});

describe('TransactionTable', () => {
  it('settles an answer only from the address asked, once, and expires the rest', () => {
    const table = new TransactionTable<string>(4, seededRandom(1));
    const t = table.open(peer(1), 'a', 100)!;
    expect(table.settle(t, peer(2))).to.equal(undefined);
    expect(table.settle(Uint8Array.of(1, 2, 3), peer(1))).to.equal(undefined);
    expect(table.settle(t, peer(1))).to.equal('a');
    expect(table.settle(t, peer(1))).to.equal(undefined);
    table.open(peer(1), 'b', 100);
    table.open(peer(1), 'c', 200);
    expect(table.expire(150)).to.deep.equal(['b']);
    expect(table.size).to.equal(1);
  });

  it('refuses new queries when full', () => {
    const table = new TransactionTable<number>(3);
    for (let i = 0; i < 3; i++) expect(table.open(peer(1), i, 10)).to.not.equal(undefined);
    expect(table.open(peer(1), 3, 10)).to.equal(undefined);
    expect(table.clear()).to.deep.equal([0, 1, 2]);
  });
});

describe('QueryLimiter', () => {
  it('lets a burst through, then the steady rate, per IP, in a bounded table', () => {
    const limiter = new QueryLimiter({ perSecond: 10, burst: 5, maxIps: 3 });
    const allowed = Array.from({ length: 20 }, () => limiter.allow('127.0.0.1', 0)).filter(Boolean).length;
    expect(allowed).to.equal(5);
    expect(limiter.allow('127.0.0.2', 0)).to.equal(true);
    expect(limiter.allow('127.0.0.1', 100)).to.equal(true);
    expect(limiter.allow('127.0.0.1', 100)).to.equal(false);
    for (let i = 0; i < 100; i++) limiter.allow(`10.0.0.${i}`, 200);
    expect(limiter.size).to.equal(3);
    expect(limiter.dropped).to.equal(16);
  });
});

describe('answerQuery', () => {
  const random = seededRandom(3);
  const ctx = (): AnswerContext => ({ ownId: hash(0), table: new RoutingTable(hash(0)), tokens: new TokenIssuer(random, 0), store: new PeerStore() });
  const ask = (c: AnswerContext, q: DhtQuery, from = peer(7), now = 0) => answerQuery(q, Uint8Array.of(1), from, now, c);

  it('answers get_peers with a token and nodes, then with values once someone announced', () => {
    const c = ctx();
    c.table.seen({ id: hash(5), host: '127.0.0.1', port: 5 }, 0);
    const first = ask(c, { method: 'get_peers', id: hash(9), infoHash: hash(4) });
    expect(first.type === 'response' && first.response.nodes).to.have.length(1);
    const token = first.type === 'response' ? first.response.token! : new Uint8Array();
    const ok = ask(c, { method: 'announce_peer', id: hash(9), infoHash: hash(4), port: 6881, token, impliedPort: false });
    expect(ok.type).to.equal('response');
    const implied = ask(c, { method: 'announce_peer', id: hash(9), infoHash: hash(4), port: 0, token, impliedPort: true });
    expect(implied.type).to.equal('response');
    const again = ask(c, { method: 'get_peers', id: hash(9), infoHash: hash(4) });
    expect(again.type === 'response' && again.response.values).to.deep.equal([peer(7), peer(6881)]);
  });

  it('refuses announce_peer with a bad, foreign or stale token (203)', () => {
    const c = ctx();
    const got = ask(c, { method: 'get_peers', id: hash(9), infoHash: hash(4) });
    const token = got.type === 'response' ? got.response.token! : new Uint8Array();
    const announce = (t: Uint8Array, from = peer(7), now = 0) =>
      ask(c, { method: 'announce_peer', id: hash(9), infoHash: hash(4), port: 1, token: t, impliedPort: false }, from, now);
    expect(announce(Uint8Array.of(1, 2, 3))).to.deep.include({ type: 'error', code: 203 });
    expect(announce(token, { host: '127.0.0.9', port: 7 })).to.deep.include({ type: 'error', code: 203 });
    expect(announce(token, peer(7), 2 * TOKEN_ROTATE_MS + 1)).to.deep.include({ type: 'error', code: 203 });
    expect(c.store.size).to.equal(0);
  });

  it('answers ping, find_node, and unknown methods with 204', () => {
    const c = ctx();
    expect(ask(c, { method: 'ping', id: hash(9) })).to.deep.equal({ type: 'response', transactionId: Uint8Array.of(1), response: { id: hash(0) } });
    expect(ask(c, { method: 'find_node', id: hash(9), target: hash(3) })).to.deep.include({ type: 'response' });
    expect(ask(c, { method: 'unknown', name: 'vote' })).to.deep.include({ type: 'error', code: 204 });
  });
});
