import { expect } from 'chai';
import { Subject } from 'rxjs';
import { buildMetainfo, parseMetainfo, type Torrent } from '../../../src/protocol/metainfo/index.js';
import type { ReceivedBlock } from '../../../src/protocol/pieces/index.js';
import { pieceFlow, type PieceFlowOutput } from '../../../src/streams/session/pieceFlow.js';
import { ProgressBook } from '../../../src/streams/session/progressBook.js';
import { memoryStorage } from '../../../src/streams/storage/index.js';
import { content, hashes } from '../../protocol/metainfo/fixtures.js';

function fixture(): { torrent: Torrent; data: Uint8Array } {
  const data = content(3 * 32768 - 100, 4);
  return { torrent: parseMetainfo(buildMetainfo({ name: 'p.bin', multiFile: false, files: [{ path: ['p.bin'], length: data.length }], pieceLength: 32768, pieces: hashes(data, 32768) })), data };
}

function blocksOf(torrent: Torrent, data: Uint8Array, index: number, peer: string, corrupt = false): ReceivedBlock[] {
  const out: ReceivedBlock[] = [];
  const start = index * torrent.pieceLength;
  const end = Math.min(start + torrent.pieceLength, data.length);
  for (let at = start; at < end; at += 16384) {
    const block = Uint8Array.from(data.subarray(at, Math.min(at + 16384, end)));
    if (corrupt) block[0] = block[0]! ^ 1;
    out.push({ peer, index, begin: at - start, data: block });
  }
  return out;
}

describe('pieceFlow', () => {
  for (const hashThreads of [0, 1]) {
    it(`assembles, verifies, writes and completes; a bad piece is a failed verdict and scheduler feedback (hashThreads ${hashThreads})`, async () => {
      const { torrent, data } = fixture();
      const storage = memoryStorage(torrent);
      const book = new ProgressBook(torrent);
      const blocks$ = new Subject<ReceivedBlock>();
      const out: string[] = [];
      let failedData: number | undefined;
      const sub = pieceFlow({ torrent, storage, book, blocks$, hashThreads }).subscribe((o: PieceFlowOutput) => {
        if (o.type === 'verdict') {
          out.push(`${o.verdict.type}:${o.verdict.index}:${o.verdict.peers.join()}`);
          if (o.verdict.type === 'failed') failedData = o.verdict.data.length;
        } else if (o.type === 'scheduler') out.push(`${o.event.type}:${'index' in o.event ? o.event.index : ''}`);
        else if (o.type === 'written') out.push(`written:${o.index}`);
        else out.push('complete');
      });
      for (const b of blocksOf(torrent, data, 1, 'bad', true)) blocks$.next(b);
      for (let i = 0; i < 500 && !out.includes('piece-failed:1'); i++) await new Promise((r) => setTimeout(r, 2));
      for (const i of [0, 1, 2]) for (const b of blocksOf(torrent, data, i, 'good')) blocks$.next(b);
      for (let i = 0; i < 500 && !out.includes('complete'); i++) await new Promise((r) => setTimeout(r, 2));
      sub.unsubscribe();
      expect(out.slice(0, 2)).to.deep.equal(['failed:1:bad', 'piece-failed:1']);
      expect(failedData, 'the failed verdict carries the piece').to.equal(32768);
      for (const i of [0, 1, 2]) {
        expect(out.indexOf(`verified:${i}:good`)).to.be.below(out.indexOf(`written:${i}`));
        expect(out.indexOf(`piece-verified:${i}`)).to.be.below(out.indexOf(`written:${i}`));
      }
      expect(out.at(-1)).to.equal('complete');
      expect(book.complete).to.equal(true);
      expect(Buffer.from(storage.content()).equals(Buffer.from(data))).to.equal(true);
    });
  }

  it('a storage that fails a write errors the flow', async () => {
    const { torrent, data } = fixture();
    const storage = { ...memoryStorage(torrent), writePiece: () => Promise.reject(new Error('disk on fire')) };
    const blocks$ = new Subject<ReceivedBlock>();
    let error: unknown;
    pieceFlow({ torrent, storage, book: new ProgressBook(torrent), blocks$, hashThreads: 0 }).subscribe({ error: (e: unknown) => (error = e) });
    for (const b of blocksOf(torrent, data, 0, 'good')) blocks$.next(b);
    for (let i = 0; i < 100 && error === undefined; i++) await new Promise((r) => setTimeout(r, 2));
    expect(String(error)).to.match(/disk on fire/);
  });
});
