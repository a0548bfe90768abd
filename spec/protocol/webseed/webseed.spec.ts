import { expect } from 'chai';
import type { TorrentFile } from '../../../src/protocol/metainfo/index.js';
import {
  fileRangesOf, firstRun, MAX_WEBSEED_BACKOFF_MS, MAX_WEBSEED_FAILURES, nextWebSeedStatus, parseRetryAfter, WEBSEED_ACTIVE, WEBSEED_BACKOFF_MS, webSeedFileUrl,
  type WebSeedStatus,
} from '../../../src/protocol/webseed/index.js';

function file(path: string[], offset: number, length: number, pad = false): TorrentFile {
  return { path, relativePath: path.join('/'), offset, length, pad };
}

describe('webSeedFileUrl (BEP 19)', () => {
  const multi = { name: 'tree', multiFile: true, files: [file(['a b', 'c%.bin'], 0, 10)] };
  const single = { name: 'one.iso', multiFile: false, files: [file(['one.iso'], 0, 10)] };

  it('a multi-file torrent: a folder holding name/path…, each segment percent-encoded', () => {
    expect(webSeedFileUrl('http://h/pub/', multi, 0)).to.equal('http://h/pub/tree/a%20b/c%25.bin');
    expect(webSeedFileUrl('http://h/pub', multi, 0)).to.equal('http://h/pub/tree/a%20b/c%25.bin');
  });

  it('a single-file torrent: the URL is the file, or a folder holding name when it ends in /', () => {
    expect(webSeedFileUrl('http://h/x/one.iso', single, 0)).to.equal('http://h/x/one.iso');
    expect(webSeedFileUrl('http://h/x/', single, 0)).to.equal('http://h/x/one.iso');
    expect(() => webSeedFileUrl('http://h/', single, 1)).to.throw(RangeError);
  });
});

describe('firstRun / fileRangesOf', () => {
  const block = (index: number, begin: number, length = 16384) => ({ index, begin, length });

  it('takes the lowest block and those contiguous with it, across pieces, up to maxBytes', () => {
    const run = firstRun([block(1, 0), block(0, 16384), block(0, 0), block(2, 16384)], 32768, 1 << 20);
    expect(run).to.deep.equal({ offset: 0, length: 49152, blocks: [block(0, 0), block(0, 16384), block(1, 0)] });
    expect(firstRun([block(0, 0), block(0, 16384)], 32768, 16384)?.blocks).to.deep.equal([block(0, 0)]);
    expect(firstRun([], 32768, 16384)).to.equal(undefined);
  });

  it('splits a run at file boundaries, skipping empty files and marking pad files', () => {
    const files = [file(['a'], 0, 100), file(['e'], 100, 0), file(['.pad', '1'], 100, 16284, true), file(['b'], 16384, 50000)];
    expect(fileRangesOf({ files }, { offset: 50, length: 20000 })).to.deep.equal([
      { fileIndex: 0, fileOffset: 50, length: 50, pad: false },
      { fileIndex: 2, fileOffset: 0, length: 16284, pad: true },
      { fileIndex: 3, fileOffset: 0, length: 3666, pad: false },
    ]);
  });
});

describe('nextWebSeedStatus', () => {
  it('404/410 and other 4xx drop the server; hash failures and fatal errors too, with the reason', () => {
    expect(nextWebSeedStatus(WEBSEED_ACTIVE, { type: 'status', status: 404 }, 0)).to.deep.equal({ type: 'dropped', reason: 'HTTP 404' });
    expect(nextWebSeedStatus(WEBSEED_ACTIVE, { type: 'status', status: 410 }, 0)).to.deep.equal({ type: 'dropped', reason: 'HTTP 410' });
    expect(nextWebSeedStatus(WEBSEED_ACTIVE, { type: 'corrupt', index: 7 }, 0)).to.deep.equal({ type: 'dropped', reason: 'piece 7 failed its hash' });
    expect(nextWebSeedStatus(WEBSEED_ACTIVE, { type: 'fatal', reason: 'bad range' }, 0)).to.deep.equal({ type: 'dropped', reason: 'bad range' });
  });

  it('5xx and timeouts back off, doubling; Retry-After is honoured up to the cap; success resets', () => {
    let s: WebSeedStatus = nextWebSeedStatus(WEBSEED_ACTIVE, { type: 'status', status: 503 }, 1000);
    expect(s).to.deep.equal({ type: 'backoff', until: 1000 + WEBSEED_BACKOFF_MS, failures: 1, reason: 'HTTP 503' });
    s = nextWebSeedStatus(s, { type: 'transient', reason: 'timeout' }, 5000);
    expect(s).to.deep.equal({ type: 'backoff', until: 5000 + 2 * WEBSEED_BACKOFF_MS, failures: 2, reason: 'timeout' });
    expect(nextWebSeedStatus(s, { type: 'status', status: 429, retryAfterMs: 9000 }, 0)).to.include({ until: 9000, failures: 3 });
    expect(nextWebSeedStatus(s, { type: 'status', status: 503, retryAfterMs: 1e9 }, 0)).to.include({ until: MAX_WEBSEED_BACKOFF_MS });
    expect(nextWebSeedStatus(s, { type: 'ok' }, 0)).to.deep.equal(WEBSEED_ACTIVE);
  });

  it(`drops after ${MAX_WEBSEED_FAILURES} failures in a row; a dropped server stays dropped`, () => {
    let s: WebSeedStatus = WEBSEED_ACTIVE;
    for (let i = 0; i < MAX_WEBSEED_FAILURES; i++) s = nextWebSeedStatus(s, { type: 'status', status: 500 }, 0);
    expect(s).to.deep.equal({ type: 'dropped', reason: `HTTP 500 (${MAX_WEBSEED_FAILURES} failures in a row)` });
    expect(nextWebSeedStatus(s, { type: 'ok' }, 0)).to.equal(s);
  });

  it('parseRetryAfter: seconds or an HTTP date; anything else is ignored', () => {
    expect(parseRetryAfter('120', 0)).to.equal(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).to.equal(6000);
    expect(parseRetryAfter('soon', 0)).to.equal(undefined);
    expect(parseRetryAfter(undefined, 0)).to.equal(undefined);
  });
});
