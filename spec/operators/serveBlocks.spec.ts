import { expect } from 'chai';
import { Subject } from 'rxjs';
import { serveBlocks, type ServeEvent, type ServeOutcome } from '../../src/operators/serveBlocks.js';
import type { WireMessage } from '../../src/protocol/wire/index.js';
import { deferred, flush, type Deferred } from './marbles.js';

const B = 16384;

function harness(fast: boolean, concurrency = 2) {
  const reads: { index: number; begin: number; length: number; done: Deferred<Uint8Array> }[] = [];
  const sent: WireMessage[] = [];
  /** Each sent piece's release, called by the test as the socket would. */
  const lent: (() => void)[] = [];
  const released: Uint8Array[] = [];
  const outcomes: ServeOutcome[] = [];
  const events = new Subject<ServeEvent>();
  let error: unknown;
  const subscription = events
    .pipe(
      serveBlocks(
        { pieceCount: 2, pieceSize: () => 2 * B, have: (i) => i === 0, fast, concurrency },
        {
          readBlock: (index, begin, length) => {
            const done = deferred<Uint8Array>();
            reads.push({ index, begin, length, done });
            return done.promise;
          },
          release: (block) => void released.push(block),
          send: async (m, release) => {
            sent.push(m);
            if (release !== undefined) lent.push(release);
          },
        },
      ),
    )
    .subscribe({ next: (o) => outcomes.push(o), error: (e) => (error = e) });
  return { reads, sent, lent, released, outcomes, events, subscription, error: () => error };
}

const req = (type: 'request' | 'cancel', begin: number, index = 0): ServeEvent => ({ type, index, begin, length: B });

describe('serveBlocks', () => {
  it('reads and sends requested blocks once unchoked, a few at a time', async () => {
    const h = harness(true, 2);
    h.events.next({ type: 'unchoke' });
    h.events.next(req('request', 0));
    h.events.next(req('request', B));
    h.events.next({ type: 'request', index: 0, begin: 0, length: 100 });
    expect(h.reads).to.have.length(2);
    h.reads[0]!.done.resolve(new Uint8Array(B).fill(7));
    await flush();
    expect(h.sent[0]).to.deep.include({ type: 'piece', index: 0, begin: 0 });
    expect(h.reads).to.have.length(3);
    expect(h.outcomes[0]).to.deep.equal({ type: 'sent', index: 0, begin: 0, length: B });
  });

  it('refuses with reject-request under BEP 6, silently without it', async () => {
    for (const fast of [true, false]) {
      const h = harness(fast);
      h.events.next(req('request', 0)); // choked
      h.events.next({ type: 'unchoke' });
      h.events.next(req('request', 0, 1)); // a piece we lack
      h.events.next({ type: 'request', index: 0, begin: 0, length: 2 * B }); // too large
      await flush();
      expect(h.outcomes.map((o) => (o.type === 'refused' ? o.reason : o.type))).to.deep.equal(['choked', 'not-have', 'too-large']);
      expect(h.sent.filter((m) => m.type === 'reject-request')).to.have.length(fast ? 3 : 0);
    }
  });

  it('a sent block is lent to the sender, and given back only when the sender releases it; a cancelled one at once', async () => {
    const h = harness(false, 2);
    h.events.next({ type: 'unchoke' });
    h.events.next(req('request', 0));
    h.events.next(req('request', B));
    h.events.next(req('cancel', B));
    const [a, b] = [new Uint8Array(B).fill(1), new Uint8Array(B).fill(2)];
    h.reads[0]!.done.resolve(a);
    h.reads[1]!.done.resolve(b);
    await flush();
    expect(h.sent).to.have.length(1);
    expect(h.released).to.deep.equal([b]);
    h.lent[0]!();
    expect(h.released).to.deep.equal([b, a]);
  });

  it('a cancel before the read completes means nothing is sent', async () => {
    const h = harness(false);
    h.events.next({ type: 'unchoke' });
    h.events.next(req('request', 0));
    h.events.next(req('cancel', 0));
    h.reads[0]!.done.resolve(new Uint8Array(B));
    await flush();
    expect(h.sent).to.deep.equal([]);
  });

  it('choking rejects what is pending (BEP 6) and sends nothing more', async () => {
    const h = harness(true, 1);
    h.events.next({ type: 'unchoke' });
    h.events.next(req('request', 0));
    h.events.next(req('request', B));
    h.events.next({ type: 'choke' });
    h.reads[0]!.done.resolve(new Uint8Array(B));
    await flush();
    expect(h.sent.map((m) => m.type)).to.deep.equal(['reject-request', 'reject-request']);
  });

  it('a failing read errors the stream; unsubscribing stops serving', async () => {
    const h = harness(false);
    h.events.next({ type: 'unchoke' });
    h.events.next(req('request', 0));
    h.reads[0]!.done.reject(new Error('EIO'));
    await flush();
    expect((h.error() as Error).message).to.equal('EIO');
    const g = harness(false);
    g.events.next({ type: 'unchoke' });
    g.events.next(req('request', 0));
    g.subscription.unsubscribe();
    g.reads[0]!.done.resolve(new Uint8Array(B));
    await flush();
    expect(g.sent).to.deep.equal([]);
  });
});
