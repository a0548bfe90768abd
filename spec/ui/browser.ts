/**
 * Headless Chromium for browser specs: Debian's `/usr/bin/chromium` driven by playwright-core,
 * offline, with a fresh profile that is removed afterwards (INTEROP.md, chromium).
 */
import { chromium, type BrowserContext } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { CHROMIUM } from '../helpers/tools.js';
import { makeTempDir, removeTempDir } from '../helpers/tmp.js';

/** Where specs save screenshots (git-ignored). */
export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

/** A running browser with its own profile. */
export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh `--user-data-dir`. */
export async function launchChromium(): Promise<Browser> {
  const profile = await makeTempDir('rxtorrent-chromium-');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1100, height: 900 },
    // Root needs --no-sandbox; no network beyond loopback: no background fetches or component updates.
    args: ['--no-sandbox', '--headless=new', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    timeout: 30_000,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await removeTempDir(profile);
    },
  };
}
