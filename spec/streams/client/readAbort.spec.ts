import { expect } from 'chai';
import { gatedDownload, PIECE, streamTorrent } from '../../ui/stream/streamFixture.js';

/** Waits (bounded) until `check` holds. */
async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('reads that stop waiting (AbortSignal behind read$ and createReadStream)', function () {
  this.timeout(10_000);

  it('unsubscribing read$ while it waits for a piece removes its reader at once, with no error', async () => {
    const { torrent, data } = streamTorrent();
    const download = gatedDownload(torrent, data);
    try {
      let error: unknown;
      const read = download.handle.read$(0, { start: 3 * PIECE }).subscribe({ error: (e: unknown) => (error = e) });
      await until(() => download.control.readers.length === 1);
      read.unsubscribe();
      await until(() => download.control.readers.length === 0);
      expect(error).to.equal(undefined);
    } finally {
      download.handle.stop();
    }
  });

  it('destroying a createReadStream while it waits removes its reader; a read still waiting gets ERR_CLIENT_STOPPED on stop', async () => {
    const { torrent, data } = streamTorrent();
    const download = gatedDownload(torrent, data);
    const stream = download.handle.createReadStream(0, { start: 2 * PIECE });
    stream.resume();
    await until(() => download.control.readers.length === 1);
    stream.destroy();
    await until(() => download.control.readers.length === 0);
    const waiting = download.handle.createReadStream(0);
    const failed = new Promise<unknown>((resolve) => waiting.on('error', resolve));
    waiting.resume();
    await until(() => download.control.readers.length === 1);
    download.handle.stop();
    expect(((await failed) as { code?: string }).code).to.equal('ERR_CLIENT_STOPPED');
  });
});
