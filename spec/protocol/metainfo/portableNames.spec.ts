import { expect } from 'chai';
import { nameProblems, problemKindsFor, type NameProblemKind, type TorrentFile } from '../../../src/protocol/metainfo/index.js';

function torrentOf(paths: readonly string[][], name = 'multi') {
  let offset = 0;
  const files: TorrentFile[] = paths.map((path) => {
    const file = { path, relativePath: [name, ...path].join('/'), length: 1, offset, pad: false };
    offset += 1;
    return file;
  });
  return { name, files, multiFile: true };
}

describe('nameProblems (issue 17, item 10)', () => {
  const table: ReadonlyArray<readonly [string, NameProblemKind | undefined]> = [
    ['con', 'reserved'], ['CON', 'reserved'], ['nul.txt', 'reserved'], ['com1', 'reserved'], ['LPT9.log', 'reserved'],
    ['console', undefined], ['com10', undefined], ['C:', 'forbidden-character'], ['a:b', 'forbidden-character'],
    ['a?b', 'forbidden-character'], ['tab\there', 'forbidden-character'], ['dot.', 'trailing-dot-or-space'],
    ['space ', 'trailing-dot-or-space'], ['.hidden', undefined], ['plain.txt', undefined], ['ünïcödé', undefined],
  ];
  for (const [segment, kind] of table) {
    it(`${JSON.stringify(segment)} → ${kind ?? 'fine'}`, () => {
      expect(nameProblems(torrentOf([[segment]])).map((p) => p.kind)).to.deep.equal(kind === undefined ? [] : [kind]);
    });
  }

  it('finds names that collide once case and Unicode form are folded, in the same folder only', () => {
    const problems = nameProblems(torrentOf([['A', 'x'], ['a', 'y'], ['b', 'A'], ['café'], ['cafe\u0301'], ['a', 'z']]));
    expect(problems.map((p) => [p.path, p.kind])).to.deep.equal([
      ['multi/a', 'case-collision'],
      ['multi/cafe\u0301', 'case-collision'],
    ]);
  });

  it('checks the torrent name too, and a single-file torrent by its name alone', () => {
    expect(nameProblems({ name: 'aux', files: [], multiFile: false }).map((p) => p.path)).to.deep.equal(['aux']);
    expect(nameProblems(torrentOf([['ok']], 'trailing.')).map((p) => p.kind)).to.deep.equal(['trailing-dot-or-space']);
  });

  it('reports a bad folder once, and at most one problem a file', () => {
    const problems = nameProblems(torrentOf([['con', 'a:b'], ['con', 'c'], ['d', 'e.']]));
    expect(problems.map((p) => p.path)).to.deep.equal(['multi/con', 'multi/d/e.']);
  });

  it('names the platforms each kind breaks', () => {
    expect([...problemKindsFor('linux')]).to.deep.equal([]);
    expect([...problemKindsFor('darwin')]).to.deep.equal(['case-collision']);
    expect(problemKindsFor('win32').size).to.equal(4);
  });
});
