import { expect } from 'chai';
import fc from 'fast-check';
import { decideRange, MAX_RANGE_HEADER_CHARS } from '../../../src/ui/stream/byteRanges.js';
import { contentTypeOf } from '../../../src/ui/stream/contentType.js';

describe('decideRange (Range header → whole, part or 416)', () => {
  const table: [string | undefined, number, ReturnType<typeof decideRange>['type'], number?, number?][] = [
    [undefined, 100, 'whole'],
    ['bytes=0-99', 100, 'part', 0, 100],
    ['bytes=10-', 100, 'part', 10, 100],
    ['bytes=-10', 100, 'part', 90, 100],
    ['bytes=-1000', 100, 'part', 0, 100],
    ['bytes=50-5000', 100, 'part', 50, 100],
    ['BYTES = 1-2', 100, 'part', 1, 3],
    ['bytes=99-99', 100, 'part', 99, 100],
    ['bytes=100-', 100, 'unsatisfiable'],
    ['bytes=0-', 0, 'unsatisfiable'],
    ['bytes=-5', 0, 'unsatisfiable'],
    ['bytes=-0', 100, 'unsatisfiable'],
    ['bytes=5-4', 100, 'unsatisfiable'],
    ['bytes=', 100, 'unsatisfiable'],
    ['bytes=-', 100, 'unsatisfiable'],
    ['bytes=a-b', 100, 'unsatisfiable'],
    ['bytes=1.5-2', 100, 'unsatisfiable'],
    ['bytes=+1-2', 100, 'unsatisfiable'],
    ['bytes=0x10-', 100, 'unsatisfiable'],
    ['bytes=99999999999999999-', 100, 'unsatisfiable'],
    ['bytes=0-1,x', 100, 'unsatisfiable'],
    ['0-1', 100, 'unsatisfiable'],
    [`bytes=0-${'0'.repeat(MAX_RANGE_HEADER_CHARS)}`, 100, 'unsatisfiable'],
    ['items=0-1', 100, 'whole'],
    ['bytes=0-1,5-6', 100, 'whole'],
  ];
  for (const [header, length, type, start, end] of table) {
    it(`${JSON.stringify(header)} of ${length} bytes → ${type}${start === undefined ? '' : ` [${start}, ${end})`}`, () => {
      const decision = decideRange(header, length);
      expect(decision.type).to.equal(type);
      if (decision.type === 'part') expect([decision.start, decision.end]).to.deep.equal([start, end]);
    });
  }

  it('property: any header at all gives a decision, and a part always lies inside the file and is not empty', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), fc.nat(1e12), (header, length) => {
      const d = decideRange(`bytes=${header}`, length);
      if (d.type === 'part') expect(d.start >= 0 && d.start < d.end && d.end <= length).to.equal(true);
    }));
  });

  it('property: a valid first-last within the file is served exactly', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e12 }), fc.nat(), fc.nat(), (length, a, b) => {
      const first = a % length;
      const last = first + (b % (length - first));
      expect(decideRange(`bytes=${first}-${last}`, length)).to.deep.equal({ type: 'part', start: first, end: last + 1 });
    }));
  });
});

describe('contentTypeOf', () => {
  it('names media, text and image types by extension; anything else (HTML, SVG, none) is octet-stream', () => {
    expect(['a/b.webm', 'x.MKV', 'y.mp4', 'z.mp3', 'n.txt', 'c\\d.flac'].map(contentTypeOf)).to.deep.equal([
      'video/webm', 'video/x-matroska', 'video/mp4', 'audio/mpeg', 'text/plain; charset=utf-8', 'audio/flac',
    ]);
    expect(['i.html', 'p.svg', 'README', '.webm', 'a.webm/x'].map(contentTypeOf)).to.deep.equal(Array(5).fill('application/octet-stream'));
  });
});
