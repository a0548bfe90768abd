import { expect } from 'chai';
import { of, Subject, VirtualTimeScheduler } from 'rxjs';
import { Bitfield } from '../../../src/protocol/bitfield.js';
import { TokenBucket } from '../../../src/protocol/rate/index.js';
import type { SwarmEvent } from '../../../src/protocol/scheduler/index.js';
import type { LinkEvent } from '../../../src/streams/session/linkEvents.js';
import { requestFlow, swarmEventsOf, type RequestFlowOutput } from '../../../src/streams/session/requestFlow.js';
import { HandPeer } from './flowHelpers.js';

const torrent = { pieceCount: 4, pieceLength: 32768, length: 4 * 32768 };

describe('requestFlow', () => {
  describe('swarmEventsOf: what the scheduler hears of each link event', () => {
    const events = swarmEventsOf(4);

    it('a fresh peer joins; a peer handed over says at once what it had said (pieces, unchoke)', () => {
      const fresh = new HandPeer(2, 4);
      expect(events(fresh.joined())).to.deep.equal([{ type: 'peer-joined', peer: 'p2', maxRequests: undefined }]);
      const old = new HandPeer(3, 4);
      old.says({ type: 'have', index: 2 });
      old.says({ type: 'unchoke' });
      const replay = events(old.joined());
      expect(replay.map((e) => e.type)).to.deep.equal(['peer-joined', 'bitfield', 'unchoke']);
      expect([...(replay[1] as Extract<SwarmEvent, { type: 'bitfield' }>).bitfield]).to.deep.equal([2]);
    });

    it('a have of a piece already announced is nothing; messages the scheduler ignores are nothing; left is peer-gone', () => {
      const p = new HandPeer(2, 4);
      expect(events(p.says({ type: 'have', index: 1 }))).to.deep.equal([{ type: 'have', peer: 'p2', index: 1 }]);
      expect(events(p.says({ type: 'have', index: 1 }))).to.deep.equal([]);
      expect(events(p.says({ type: 'interested' }))).to.deep.equal([]);
      expect(events(p.says({ type: 'extended', id: 0, payload: new Uint8Array([0x64, 0x65]) }))).to.deep.equal([]);
      expect(events(p.left())).to.deep.equal([{ type: 'peer-gone', peer: 'p2' }]);
    });
  });

  it('a seeder that unchokes is asked for blocks; its block comes out as accepted, the same block again does not', () => {
    const scheduler = new VirtualTimeScheduler();
    const links$ = new Subject<LinkEvent>();
    const pieces$ = new Subject<SwarmEvent>();
    const out: RequestFlowOutput[] = [];
    requestFlow({ torrent, have: new Bitfield(4), links$, pieces$, levels$: of(new Uint8Array(4).fill(1)), deadlines$: of([]), sequential: false, buckets: [], scheduling: undefined, scheduler, random: () => 0.5 }).subscribe((o) => out.push(o));
    const seeder = new HandPeer(2, 4);
    links$.next(seeder.joined());
    links$.next(seeder.says({ type: 'have-all' }));
    expect(out).to.deep.equal([{ type: 'send', peer: 'p2', message: { type: 'interested' } }]);
    links$.next(seeder.says({ type: 'unchoke' }));
    const requests = out.filter((o) => o.type === 'send' && o.message.type === 'request');
    expect(requests.length).to.be.at.least(2);
    const first = requests[0]!;
    if (first.type !== 'send' || first.message.type !== 'request') throw new Error('not a request');
    out.length = 0;
    const block = { type: 'piece' as const, index: first.message.index, begin: first.message.begin, block: new Uint8Array(first.message.length) };
    links$.next(seeder.says(block));
    // The same block again: not asked for any more.
    links$.next(seeder.says(block));
    const blocks = out.filter((o) => o.type === 'block');
    expect(blocks).to.have.length(1);
    expect(blocks[0]).to.deep.include({ type: 'block' });
  });

  it('with a download limit, requests wait for tokens in order, per peer; a peer that leaves drops its queue', () => {
    const scheduler = new VirtualTimeScheduler();
    const links$ = new Subject<LinkEvent>();
    const out: RequestFlowOutput[] = [];
    const bucket = new TokenBucket({ rate: 16384, burst: 16384 });
    requestFlow({ torrent, have: new Bitfield(4), links$, pieces$: new Subject(), levels$: of(new Uint8Array(4).fill(1)), deadlines$: of([]), sequential: false, buckets: [bucket], scheduling: undefined, scheduler, random: () => 0.5 }).subscribe((o) => out.push(o));
    const seeder = new HandPeer(2, 4);
    links$.next(seeder.joined());
    links$.next(seeder.says({ type: 'have-all' }));
    links$.next(seeder.says({ type: 'unchoke' }));
    const sentAt0 = out.filter((o) => o.type === 'send' && o.message.type === 'request').length;
    expect(sentAt0, 'the burst: one block').to.equal(1);
    scheduler.maxFrames = 1500;
    scheduler.flush();
    expect(out.filter((o) => o.type === 'send' && o.message.type === 'request').length, 'one more a second').to.equal(2);
    links$.next(seeder.left());
    scheduler.maxFrames = 10_000;
    scheduler.flush();
    expect(out.filter((o) => o.type === 'send' && o.message.type === 'request').length).to.equal(2);
  });
});
