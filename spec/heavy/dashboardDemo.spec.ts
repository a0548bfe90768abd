import { expect } from 'chai';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI } from '../cli/run.js';
import { startProcess, stopAllAfterEach } from '../helpers/proc.js';
import { requireTool } from '../helpers/tools.js';
import { ARTIFACTS, launchChromium, type Browser } from '../ui/browser.js';

// Runs in the page (the specs compile without the DOM lib).
declare const document: {
  querySelectorAll(selector: string): Iterable<{ readonly textContent: string | null; readonly dataset: Record<string, string | undefined>; querySelector(s: string): { readonly textContent: string | null } | null }> & { readonly length: number };
};

describe('rxtorrent demo --dashboard in headless Chromium (separate processes)', function () {
  this.timeout(300_000);
  stopAllAfterEach();
  let browser: Browser | undefined;

  before(function () {
    requireTool(this, 'chromium');
  });

  after(async () => {
    await browser?.close();
  });

  it('follows a 4-leecher demo swarm to 100 % in every child, with the tracker\'s stats', async () => {
    const demo = startProcess(process.execPath, [CLI, 'demo', '--leechers', '4', '--size', '64MiB', '--dashboard'], { timeoutSec: 280, name: 'demo' });
    const [, url] = await demo.waitForLine(/^dashboard: (http:\/\/127\.0\.0\.1:\d+\/)$/, 60_000);
    browser = await launchChromium();
    const page = await browser.context.newPage();
    await page.goto(url as string);
    await page.waitForSelector('body[data-connection="live"]', { timeout: 10_000 });
    await page.waitForFunction(() => document.querySelectorAll('section.session').length === 5, undefined, { timeout: 30_000 });
    await page.waitForSelector('#tracker:not([hidden])', { timeout: 10_000 });
    await page.waitForFunction(
      () => [...document.querySelectorAll('section.session')].every((s) => s.dataset['status'] === 'seeding' && s.querySelector('.pct')?.textContent === '100.0 %'),
      undefined,
      { timeout: 240_000, polling: 250 },
    );
    const titles = await page.$$eval('section.session h2', (hs) => hs.map((h) => (h as unknown as { textContent: string }).textContent));
    expect([...titles].sort()).to.deep.equal(['leecher 1', 'leecher 2', 'leecher 3', 'leecher 4', 'seeder'].map((n) => `${n} · demo.bin`));
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-demo.png'), fullPage: true });
    await demo.waitForLine(/every copy verified/, 30_000);
    const exit = await demo.stop(15_000);
    expect(exit.code, demo.tail()).to.equal(0);
  });
});
