import { expect } from 'chai';
import fc from 'fast-check';
import { createTrackerApp } from '../../../src/tracker/server/createTrackerApp.js';
import { announceQuery, BINARY_INFO_HASH, escapeBytes, MALFORMED_ANNOUNCES } from '../../protocol/tracker/trackerQueries.js';
import { decodeReply, failureOf, get, rawGet, recordingLogger, serve } from './httpHarness.js';
import type { Reply, Served } from './httpHarness.js';

/** Every reply to a tracker route: 200 with a bencoded dict that is a failure or a real reply. */
function expectTrackerReply(reply: Reply): void {
  expect(reply.status).to.equal(200);
  const dict = decodeReply(reply);
  expect('failure reason' in dict || 'interval' in dict || 'files' in dict, JSON.stringify(Object.keys(dict))).to.equal(true);
}

describe('tracker server against malformed requests', () => {
  let served: Served;
  const logger = recordingLogger();

  before(async () => {
    served = await serve(createTrackerApp({}, { logger }));
  });
  after(() => served.close());
  afterEach(() => expect(logger.errors, 'no internal error was logged').to.deep.equal([]));

  describe('announce table', () => {
    for (const [what, query] of MALFORMED_ANNOUNCES) {
      it(`${what}: 200 with a failure reason`, async () => {
        const reply = await get(served.port, `/announce?${query}`);
        expect(reply.status).to.equal(200);
        const reason = failureOf(reply);
        expect(reason).to.be.a('string').and.not.equal('internal error');
        expect(decodeReply(reply)).to.have.all.keys('failure reason');
      });
    }
  });

  describe('scrape table', () => {
    const cases: Array<[string, string]> = [
      ['no info_hash', ''],
      ['a 19-byte info_hash', `info_hash=${escapeBytes(BINARY_INFO_HASH.subarray(1))}`],
      ['a broken escape', `info_hash=${escapeBytes(BINARY_INFO_HASH)}%2`],
      ['65 info-hashes', new Array(65).fill(`info_hash=${escapeBytes(BINARY_INFO_HASH)}`).join('&')],
      ['an oversize query', `info_hash=${escapeBytes(BINARY_INFO_HASH)}&pad=${'x'.repeat(9000)}`],
    ];
    for (const [what, query] of cases) {
      it(`${what}: 200 with a failure reason`, async () => {
        const reply = await get(served.port, `/scrape?${query}`);
        expect(reply.status).to.equal(200);
        expect(failureOf(reply)).to.be.a('string').and.not.equal('internal error');
      });
    }
  });

  describe('beyond the app', () => {
    it('a URL over node\'s header limit gets 431 (or 414), and the server keeps serving', async () => {
      const reply = await get(served.port, `/announce?${announceQuery()}&pad=${'x'.repeat(20_000)}`);
      expect(reply.status).to.be.oneOf([414, 431]);
      expectTrackerReply(await get(served.port, `/announce?${announceQuery()}`));
    });

    it('a raw byte ≥ 0x80 in the request line gets node\'s 400, and the server keeps serving', async () => {
      const target = Buffer.concat([Buffer.from(`/announce?${announceQuery()}&x=`), Buffer.of(0xff)]);
      expect(await rawGet(served.port, target)).to.equal(400);
      expectTrackerReply(await get(served.port, `/announce?${announceQuery()}`));
    });
  });

  describe('fuzzing (fast-check over HTTP)', () => {
    // What a URL can carry: printable ASCII, weighted towards the characters the parser cares about.
    const urlChar = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('%', '&', '=', '+', '0', '1', 'F', 'f', 'g', '-', '.') },
      { weight: 1, arbitrary: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)) },
    );
    const noise = fc.string({ unit: urlChar, maxLength: 120 });
    const field = fc.constantFrom('info_hash', 'peer_id', 'port', 'left', 'event', 'numwant', 'compact', 'key', 'ip', 'uploaded');
    const mutated = fc.tuple(fc.array(fc.tuple(field, noise), { maxLength: 4 }), noise).map(
      ([pairs, tail]) => `${announceQuery(Object.fromEntries(pairs))}${tail}`,
    );

    it('announce: every random query gets a bencoded reply, never a 500 (200 runs)', async () => {
      await fc.assert(fc.asyncProperty(fc.oneof(noise, mutated), async (query) => {
        expectTrackerReply(await get(served.port, `/announce?${query}`));
      }), { numRuns: 200 });
    });

    it('scrape: every random query gets a bencoded reply, never a 500 (100 runs)', async () => {
      const scrape = fc.tuple(fc.array(fc.uint8Array({ maxLength: 22 }), { maxLength: 4 }), noise).map(
        ([hashes, tail]) => `${hashes.map((h) => `info_hash=${escapeBytes(h)}`).join('&')}${tail}`,
      );
      await fc.assert(fc.asyncProperty(scrape, async (query) => {
        expectTrackerReply(await get(served.port, `/scrape?${query}`));
      }), { numRuns: 100 });
    });
  });
});
