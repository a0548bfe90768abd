import { expect } from 'chai';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BehaviorSubject } from 'rxjs';
import type { SessionState } from '../../src/streams/session/sessionState.js';
import { createDashboardApp } from '../../src/ui/index.js';
import { requireTool } from '../helpers/tools.js';
import { ARTIFACTS, launchChromium, type Browser } from './browser.js';
import { sessionStateOf } from './states.js';
import { startSwarm, type Swarm } from './swarm.js';

const LEECHERS = 2;

// The functions below run in the page. The specs compile without the DOM lib, so the little of
// it they use is declared here, for this module only.
interface PageElement {
  readonly textContent: string | null;
  readonly dataset: Record<string, string | undefined>;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement> & { readonly length: number };
}
interface PageCanvas extends PageElement {
  readonly width: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { readonly data: ArrayLike<number> } };
}
declare const document: PageElement & { readonly body: PageElement; getElementById(id: string): PageElement | null };

/** What the page shows of each session card. */
function cards(page: Page): Promise<{ title: string; status: string; percent: string; rows: string[][]; cells: number; have: number }[]> {
  return page.$$eval('section.session', (sections) =>
    (sections as unknown as PageElement[]).map((s) => {
      const canvas = s.querySelector('canvas.pieces') as PageCanvas;
      return {
        title: s.querySelector('h2')?.textContent ?? '',
        status: s.querySelector('.status')?.textContent ?? '',
        percent: s.querySelector('.pct')?.textContent ?? '',
        rows: [...s.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
        cells: Number(canvas.dataset['cells']),
        have: Number(canvas.dataset['have']),
      };
    }),
  );
}

/** Colours of the piece map's first and last cells, read back from the canvas. */
function pieceMapCorners(page: Page, index: number): Promise<string[]> {
  return page.$$eval('canvas.pieces', (canvases, i) => {
    const canvas = (canvases as unknown as PageCanvas[])[i] as PageCanvas;
    const ctx = canvas.getContext('2d');
    const cells = Number(canvas.dataset['cells']);
    const cols = Math.min(cells, 128);
    const size = Math.max(2, Math.min(24, Math.floor(canvas.width / cols)));
    const at = (cell: number): string => {
      const d = ctx.getImageData((cell % cols) * size + 1, Math.floor(cell / cols) * size + 1, 1, 1).data;
      return `rgb(${d[0]},${d[1]},${d[2]})`;
    };
    return [at(0), at(cells - 1)];
  }, index);
}

describe('the dashboard in headless Chromium, over an in-process swarm', function () {
  this.timeout(90_000);
  let swarm: Swarm | undefined;
  let browser: Browser | undefined;

  before(function () {
    requireTool(this, 'chromium');
  });

  afterEach(async () => {
    await browser?.close();
    await swarm?.stop();
    browser = swarm = undefined;
  });

  it('shows progress reach 100 %, the piece map fill, the peers table list the leechers, the tracker stats; reconnects after a drop', async () => {
    swarm = await startSwarm({ length: 6 * 2 ** 20, pieceLength: 64 * 1024, seederRate: 1.5 * 2 ** 20, leechers: LEECHERS });
    browser = await launchChromium();
    const page = await browser.context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(swarm.url);
    await page.waitForSelector('body[data-connection="live"]', { timeout: 10_000 });
    await page.waitForFunction(() => document.querySelectorAll('section.session').length === 1);
    await swarm.startLeechers();

    // Midway: the leechers are downloading, and the seeder's table lists both of them.
    await page.waitForFunction((n) => {
      const seeder = document.querySelector('section.session');
      return seeder !== null && seeder.querySelectorAll('tbody tr').length === n && document.querySelectorAll('section.session').length === n + 1;
    }, LEECHERS, { timeout: 20_000 });
    const midway = await cards(page);
    expect(midway.slice(1).some((c) => c.status === 'downloading' && c.have < c.cells), 'a leecher seen mid-download').to.equal(true);
    expect(midway[0]?.rows.map((r) => r[1])).to.deep.equal(Array(LEECHERS).fill('rxtorrent 0.1.0'));
    expect(midway[0]?.rows.every((r) => /^127\.0\.0\.1:\d+$/.test(r[0] ?? ''))).to.equal(true);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-midway.png'), fullPage: true });

    // The stream drops: the page notices, reconnects and keeps rendering.
    swarm.dropConnections();
    await page.waitForFunction(() => document.body.dataset['connection'] !== 'live', undefined, { timeout: 5000 }).catch(() => undefined);
    await page.waitForSelector('body[data-connection="live"]', { timeout: 10_000 });
    expect(swarm.eventRequests).to.be.at.least(2);

    // The end: every leecher at 100 %, seeding, its piece map full (and green on the canvas).
    await page.waitForFunction((n) => {
      const sessions = [...document.querySelectorAll('section.session')];
      return sessions.length === n + 1 && sessions.every((s) => s.querySelector('.pct')?.textContent === '100.0 %' && s.dataset['status'] === 'seeding');
    }, LEECHERS, { timeout: 40_000, polling: 100 });
    await page.waitForFunction(() => document.getElementById('total-progress')?.textContent === '100.0 %');
    const done = await cards(page);
    for (const c of done) {
      expect(c.have, c.title).to.equal(c.cells);
      expect(c.cells).to.equal(swarm.torrent.pieceCount);
    }
    for (let i = 0; i <= LEECHERS; i++) expect(await pieceMapCorners(page, i)).to.deep.equal(['rgb(47,158,68)', 'rgb(47,158,68)']);
    await page.waitForSelector('#tracker:not([hidden])');
    expect(await page.textContent('#tracker-stats')).to.match(/seeders\s*[1-9]/);
    expect(Number(await page.getAttribute('#rates', 'data-samples'))).to.be.above(4);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    // The one expected complaint is the stream cut on purpose above.
    expect(consoleErrors.filter((e) => !e.includes('ERR_INCOMPLETE_CHUNKED_ENCODING'))).to.deep.equal([]);
  });

  /**
   * Opens the dashboard of `states` (a fixed state, no swarm) in Chromium for `check`; `beforePage`
   * runs once the app is made, before the page opens.
   */
  async function showing(states: BehaviorSubject<SessionState>, check: (page: Page) => Promise<void>, beforePage?: () => void): Promise<void> {
    const server = http.createServer(createDashboardApp(states).callback());
    beforePage?.();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      browser = await launchChromium();
      const page = await browser.context.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await check(page);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }

  it('draws the rates chart at once on a page opened late, from the history the app kept', async () => {
    const states = new BehaviorSubject<SessionState>(sessionStateOf());
    await showing(states, async (page) => {
      await page.waitForSelector('#rates[data-samples]', { timeout: 10_000 });
      expect(Number(await page.getAttribute('#rates', 'data-samples'))).to.equal(31);
    }, () => {
      for (let i = 1; i <= 30; i++) states.next(sessionStateOf({ downloadRate: i * 1000 }));
    });
  });

  it('lists web seeds in the peers table with their status and why', async () => {
    const states = new BehaviorSubject<SessionState>(sessionStateOf({
      webSeeds: [
        { url: 'http://127.0.0.1:8080/pub/', status: 'active', downloaded: 4096, rate: 2048, ignoresRange: false },
        { url: 'http://127.0.0.1:8081/', status: 'dropped', reason: 'piece 3 failed its hash', downloaded: 0, rate: 0, ignoresRange: true },
      ],
    }));
    await showing(states, async (page) => {
      await page.waitForSelector('table.peers tr.webseed[data-status="dropped"]', { timeout: 10_000 });
      const [card] = await cards(page);
      expect(card?.rows.slice(1).map((r) => [r[0], r[1], r[5]])).to.deep.equal([
        ['http://127.0.0.1:8080/pub/', 'web seed: active', ''],
        ['http://127.0.0.1:8081/', 'web seed: dropped (piece 3 failed its hash)', 'no Range'],
      ]);
    });
  });

  it('lists a multi-file torrent\'s files with priority and progress, what is being streamed, and the DHT as a peer source', async () => {
    const states = new BehaviorSubject<SessionState>(sessionStateOf({
      name: 'album',
      dht: { nodes: 42, lookups: 2, searching: true, lastLookupAt: 0, peersFound: 7, announcedTo: 8 },
      files: [
        { index: 0, path: 'album/a.flac', length: 3 * 2 ** 20, priority: 'skip', progress: 0 },
        { index: 1, path: 'album/b.flac', length: 2 ** 20, priority: 'high', progress: 0.5 },
      ],
      readers: [{ file: 1, position: 2 ** 19, end: 2 ** 20, rate: 2 ** 20 }],
    }));
    await showing(states, async (page) => {
      await page.waitForSelector('table.files:not([hidden]) tr[data-priority="high"]', { timeout: 10_000 });
      const rows = await page.$$eval('table.files tr', (trs) => (trs as unknown as PageElement[]).map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
      expect(rows.slice(1).map((r) => [r[1], r[3], r[4]])).to.deep.equal([['album/a.flac', 'skip', '0.0 %'], ['album/b.flac', 'high', '50.0 %']]);
      expect(await page.textContent('.readers')).to.match(/^streaming file 1 at /);
      expect(await page.textContent('.trackers')).to.include('DHT: 42 nodes, 2 lookups (searching), 7 peers found, announced to 8 nodes');
    });
  });
});
