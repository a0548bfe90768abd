import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { launchChromium, type Browser } from '../ui/browser.js';
import { run } from '../helpers/proc.js';
import { filesIdentical, sha1File, writePayload } from '../helpers/payload.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import { bytesOf, cappedSeeder, createWithCli, fileUrlOf, serveDownload, timedRange, waitForStatus } from '../interop/streamHelpers.js';

const MiB = 1024 * 1024;

// The page function below runs in Chromium; the specs compile without the DOM lib.
interface PageVideo {
  readonly currentTime: number;
  readonly readyState: number;
  readonly error: { readonly code: number } | null;
}
declare const document: { querySelector(selector: string): PageVideo | null };

/** Streams a GET's body into SHA-1; resolves with the digest, the byte count and when it ended. */
async function hashedGet(url: string): Promise<{ status: number; sha1: string; bytes: number; endedAt: number }> {
  const reply = await fetch(url);
  const hash = createHash('sha1');
  let bytes = 0;
  for await (const chunk of reply.body as unknown as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { status: reply.status, sha1: hash.digest('hex'), bytes, endedAt: Date.now() };
}

describe('heavy: streaming from a capped libtorrent seeder through rxtorrent download --serve', function () {
  this.timeout(240_000);
  stopAllAfterEach();
  const tmp = useTempDir();

  it('96 MiB at 4 MB/s: a ranged GET at 50 % answers within seconds; a full GET started at 0 % streams the whole file byte-identical', async function () {
    requireTool(this, 'libtorrent');
    const size = 96 * MiB;
    const payload = join(tmp.path, 'seed', 'big.bin');
    await writePayload(payload, size, 'stream-96');
    const torrent = join(tmp.path, 'big.torrent');
    await createWithCli(payload, torrent, '256KiB');
    const { peer } = await cappedSeeder(torrent, join(tmp.path, 'seed'), 4_000_000, 200);
    const served = await serveDownload(torrent, peer, join(tmp.path, 'out'), [], 200);
    const url = await fileUrlOf(served, 0);
    const full = hashedGet(url);
    const start = 48 * MiB;
    const middle = await timedRange(url, start, start + MiB);
    const middleAt = Date.now() - served.startedAt;
    const progressThen = served.progress();
    expect(middle.status).to.equal(206);
    expect(middle.body.equals(await bytesOf(payload, start, start + MiB)), 'the right bytes at 50 %').to.equal(true);
    const whole = await full;
    await waitForStatus(served, 'seeding', 120_000);
    const doneAt = Date.now() - served.startedAt;
    console.log(
      `      1 MiB at 50 %: ${middle.ms} ms after the GET (${middleAt} ms after start, progress ≤ ${(progressThen * 100).toFixed(0)} %);` +
        ` full GET ended ${whole.endedAt - served.startedAt} ms after start; download done ${doneAt} ms`,
    );
    expect(middle.ms, 'within a few seconds').to.be.below(5000);
    expect(middleAt).to.be.below(doneAt / 3);
    expect(whole.status).to.equal(200);
    expect(whole.bytes).to.equal(size);
    expect(whole.sha1).to.equal(await sha1File(payload));
    expect(await filesIdentical(payload, join(tmp.path, 'out', 'big.bin'))).to.equal(true);
  });

  describe('headless Chromium plays a WebM from the stream server', () => {
    let browser: Browser | undefined;
    afterEach(async () => {
      await browser?.close();
      browser = undefined;
    });

    it('video.currentTime passes 2 s while under 30 % of the torrent is downloaded', async function () {
      requireTool(this, 'libtorrent');
      requireTool(this, 'chromium');
      requireTool(this, 'ffmpeg');
      const video = join(tmp.path, 'seed', 'testsrc.webm');
      await mkdir(join(tmp.path, 'seed'), { recursive: true });
      await run('ffmpeg', [
        '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=25', '-t', '40',
        '-c:v', 'libvpx', '-b:v', '1M', '-deadline', 'realtime', '-cpu-used', '16', '-g', '50', '-f', 'webm', video,
      ], { timeoutSec: 120 });
      const size = (await stat(video)).size;
      const torrent = join(tmp.path, 'video.torrent');
      await createWithCli(video, torrent, '32KiB');
      // The seeder sends about twice the video's bitrate: the download takes ~20 s, playing 40 s.
      const rate = Math.round(size / 20);
      browser = await launchChromium();
      const page = await browser.context.newPage();
      const { peer } = await cappedSeeder(torrent, join(tmp.path, 'seed'), rate, 200);
      const served = await serveDownload(torrent, peer, join(tmp.path, 'out'), [], 200);
      const url = await fileUrlOf(served, 0);
      await page.setContent(`<video src="${url}" muted autoplay></video>`);
      const deadline = Date.now() + 60_000;
      let state = { currentTime: 0, readyState: 0, error: 0 };
      while (state.currentTime <= 2 && Date.now() < deadline) {
        await page.waitForTimeout(100);
        state = await page.evaluate(() => {
          const v = document.querySelector('video')!;
          return { currentTime: v.currentTime, readyState: v.readyState, error: v.error?.code ?? 0 };
        });
        if (state.error !== 0) break;
      }
      const playedAt = Date.now() - served.startedAt;
      // The CLI prints its state once a second: the first line after this moment bounds the progress from above.
      const seen = served.cli.lines.length;
      for (let i = 0; i < 60 && !served.cli.lines.slice(seen).some((l) => l.startsWith('{')); i++) await page.waitForTimeout(50);
      const progressThen = served.progress();
      console.log(`      ${(size / MiB).toFixed(1)} MiB WebM at ${(rate / 1000).toFixed(0)} kB/s: currentTime ${state.currentTime.toFixed(2)} s (readyState ${state.readyState}) ${playedAt} ms after start, downloaded ≤ ${(progressThen * 100).toFixed(0)} %`);
      expect(state.error, 'no media error').to.equal(0);
      expect(state.currentTime).to.be.above(2);
      expect(progressThen).to.be.below(0.3);
    });
  });
});
