/**
 * Hostile paths in a v1 `files` list (issue 17, item 2): the parser's work stays linear in the
 * input. A 192 KB .torrent with one 64,000-segment path once ran `rxtorrent info` for 2 min 18 s
 * and 3.7 GB before it died out of heap: every prefix of every path went into a set.
 */
import bencode from 'bencode';
import { expect } from 'chai';
import { MetainfoError } from '../../../src/errors.js';
import { MAX_PATH_LENGTH, MAX_PATH_SEGMENTS, parseMetainfo } from '../../../src/protocol/metainfo/index.js';

/** A v1 torrent whose files are `paths`, each one byte long. */
function torrentOf(paths: readonly (readonly string[])[]): Uint8Array {
  const pieceLength = 16384;
  const pieces = Math.ceil(paths.length / pieceLength);
  return bencode.encode({
    announce: 'http://127.0.0.1:1/announce',
    info: {
      name: 'hostile', 'piece length': pieceLength, pieces: new Uint8Array(20 * pieces),
      files: paths.map((path) => ({ length: 1, path: [...path] })),
    },
  });
}

function timed<T>(fn: () => T): { value: T | unknown; ms: number } {
  const started = performance.now();
  let value: unknown;
  try {
    value = fn();
  } catch (err) {
    value = err;
  }
  return { value, ms: performance.now() - started };
}

describe('parseMetainfo on hostile paths (issue 17, item 2)', () => {
  it('refuses a 192 KB torrent holding one 64,000-segment path in milliseconds (was 2 min 18 s, 3.7 GB)', () => {
    const bytes = torrentOf([Array.from({ length: 64_000 }, () => 'a')]);
    expect(bytes.length).to.be.within(190_000, 200_000);
    const { value, ms } = timed(() => parseMetainfo(bytes));
    console.log(`      ${(bytes.length / 1024).toFixed(0)} KB, 64,000 segments: ${(value as MetainfoError).code} in ${ms.toFixed(1)} ms`);
    expect(value).to.be.instanceOf(MetainfoError).with.property('code', 'ERR_METAINFO_BAD_PATH');
    expect(ms).to.be.below(1000);
  });

  it(`caps a path at ${MAX_PATH_SEGMENTS} segments and ${MAX_PATH_LENGTH} characters`, () => {
    const deep = Array.from({ length: MAX_PATH_SEGMENTS }, (_, i) => `d${i}`);
    expect(parseMetainfo(torrentOf([deep])).files[0]!.path).to.have.length(MAX_PATH_SEGMENTS);
    expect(() => parseMetainfo(torrentOf([[...deep, 'x']]))).to.throw(MetainfoError, /segments/).with.property('code', 'ERR_METAINFO_BAD_PATH');
    const long = Array.from({ length: 17 }, () => 'y'.repeat(250));
    expect(() => parseMetainfo(torrentOf([long]))).to.throw(MetainfoError, /longer than 4096/).with.property('code', 'ERR_METAINFO_BAD_PATH');
  });

  it('parses many paths at the caps in time linear in the bytes (2× the files, about 2× the time)', () => {
    // Every file in its own chain of 127 folders: the most folders a byte of input can name.
    const files = (count: number) => Array.from({ length: count }, (_, f) => Array.from({ length: MAX_PATH_SEGMENTS }, (_, i) => (i === 0 ? `f${f}` : 'ab')));
    const small = torrentOf(files(500));
    const large = torrentOf(files(1000));
    parseMetainfo(small); // warm up
    const a = timed(() => parseMetainfo(small));
    const b = timed(() => parseMetainfo(large));
    const perMiB = (ms: number, bytes: Uint8Array) => (ms / (bytes.length / 1048576)).toFixed(0);
    console.log(`      ${(small.length / 1048576).toFixed(2)} MiB in ${a.ms.toFixed(0)} ms, ${(large.length / 1048576).toFixed(2)} MiB in ${b.ms.toFixed(0)} ms (${perMiB(a.ms, small)} / ${perMiB(b.ms, large)} ms per MiB)`);
    expect((b.value as { files: unknown[] }).files).to.have.length(1000);
    // A generous bound: this machine is shared; the figure is in the output.
    expect(b.ms).to.be.below(30_000);
  });

  it('still finds a file listed twice and a file that is also a folder, in either order, without building prefixes', () => {
    const code = (paths: string[][]) => (timed(() => parseMetainfo(torrentOf(paths))).value as MetainfoError).message;
    expect(code([['a', 'b'], ['a', 'b']])).to.match(/"hostile\/a\/b" is listed twice/);
    expect(code([['a'], ['a', 'b']])).to.match(/"hostile\/a" is both a file and a folder/);
    expect(code([['a', 'b', 'c'], ['a', 'b']])).to.match(/"hostile\/a\/b" is both a file and a folder/);
    expect(parseMetainfo(torrentOf([['a', 'b'], ['b', 'a'], ['a', 'c']])).files).to.have.length(3);
  });
});
