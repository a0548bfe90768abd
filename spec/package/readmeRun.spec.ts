/**
 * The README's Library and UI blocks, run against a real seeder on loopback: each block is taken
 * from README.md, transpiled as written (but for the substitutions below, each of which must
 * still match), and run by Node in a child process against the built `dist/`, in a temp dir that
 * holds the `.torrent` the block reads. A tracker and an `rxtorrent seed` serve the torrent.
 */
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { createTrackerApp } from '../../src/tracker/index.js';
import { CLI, runCli } from '../cli/run.js';
import { linkModules } from '../helpers/examples.js';
import { freePort } from '../helpers/net.js';
import { filesIdentical, makeTree } from '../helpers/payload.js';
import { startProcess, stopAllAfterEach, type ProcessHandle } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { until } from '../helpers/until.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FILES = { 'a.bin': 700_000, 'b.bin': 500_000 };

/** The README block that starts with `first` (its first line), as written. */
async function readmeBlock(first: string): Promise<string> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!).find((b) => b.startsWith(first));
  if (block === undefined) throw new Error(`no README block starts with ${first}`);
  return block;
}

/** `block` with each `[from, to]` replaced; every `from` must be there (the README changed otherwise). */
function substitute(block: string, substitutions: readonly (readonly [string, string])[]): string {
  return substitutions.reduce((code, [from, to]) => {
    expect(code, `README block still contains ${from}`).to.include(from);
    return code.replace(from, to);
  }, block);
}

/**
 * Runs `prelude + block + epilogue` (types stripped) as `run/name.mjs` with Node, until the
 * epilogue prints `README-DONE <json>`.
 *
 * @returns the child and the epilogue's value
 */
async function runBlock(run: string, name: string, code: { prelude: string; block: string; report: string }): Promise<{ child: ProcessHandle; report: unknown }> {
  const source = `${code.prelude}\n${code.block}\nconsole.log('README-DONE', JSON.stringify(${code.report}));\n`;
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const script = join(run, `${name}.mjs`);
  await writeFile(script, js);
  const child = startProcess(process.execPath, [script], { cwd: run, timeoutSec: 80, name: `readme-${name}` });
  const [, report] = await child.waitForLine(/^README-DONE (.*)$/, 60_000);
  return { child, report: JSON.parse(report!) };
}

describe('README: the Library and UI blocks run against a local seeder and finish', function () {
  this.timeout(90_000);
  stopAllAfterEach();
  const tmp = useTempDir();
  let tracker: http.Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (tracker ? (tracker.closeAllConnections(), tracker.close(() => resolve())) : resolve())));

  /** A two-file torrent `album` in `run/<torrentName>`, announced to a loopback tracker and seeded. */
  async function seeded(torrentName: string): Promise<{ run: string; content: string }> {
    tracker = http.createServer(createTrackerApp({ interval: 1 }).callback());
    await new Promise<void>((resolve) => tracker!.listen(0, '127.0.0.1', resolve));
    const announce = `http://127.0.0.1:${(tracker.address() as AddressInfo).port}/announce`;
    const content = join(tmp.path, 'seed', 'album');
    await makeTree(content, FILES, 'readme');
    const run = join(tmp.path, 'run');
    await mkdir(run, { recursive: true });
    const created = await runCli(['create', content, '-t', announce, '-o', join(run, torrentName), '--piece-length', '32KiB']);
    expect(created.code, created.stderr).to.equal(0);
    const seeder = startProcess(process.execPath, [CLI, 'seed', join(run, torrentName), '-d', content, '--ip', '127.0.0.1', '-p', String(await freePort())], {
      timeoutSec: 80, name: 'rxtorrent-seed',
    });
    await seeder.waitForLine(/ seeding /, 20_000);
    await linkModules(ROOT, run);
    return { run, content };
  }

  it('Library: download(), then a client with a streamed file and a priority change; every byte arrives', async () => {
    const { run, content } = await seeded('ubuntu.torrent');
    const block = substitute(await readmeBlock("import { readTorrent, download"), [
      // Loopback and a free port instead of the block's public address and fixed ports.
      ["maxPeers: 30 }", "maxPeers: 30, host: '127.0.0.1', port: 0 }"],
      ["host: '0.0.0.0', port: 6881", "host: '127.0.0.1', port: 0"],
      // The streamed file goes to a file (stdout carries the progress lines).
      ['.pipe(process.stdout)', '.pipe(streamOut)'],
    ]);
    const { child, report } = await runBlock(run, 'library', {
      prelude: "import { createWriteStream } from 'node:fs';\nconst streamOut = createWriteStream('streamed.bin');\nlet last: { sessions: unknown[] } | undefined;\nconst render = (s: { sessions: unknown[] }): void => { last = s; };",
      block,
      report: '{ sessions: last?.sessions.length }',
    });
    expect(report).to.deep.equal({ sessions: 1 });
    expect(child.lines.some((l) => /^\d+\.\d% \d+ peers$/.test(l)), child.lines.join('\n')).to.equal(true);
    // done() resolved: the client's copy is whole (file 0 was wanted again before it), and file 1
    // was streamed in full; download()'s own copy finishes beside it.
    for (const file of Object.keys(FILES)) expect(await filesIdentical(join(content, file), join(run, 'downloads', 'film', file)), `film/${file}`).to.equal(true);
    await until(async () => (await Promise.all(Object.keys(FILES).map((f) => filesIdentical(join(content, f), join(run, 'downloads', 'ubuntu', f)).catch(() => false)))).every(Boolean), 30_000, 'download() never finished');
    await until(() => filesIdentical(join(content, 'b.bin'), join(run, 'streamed.bin')).catch(() => false), 10_000, 'file 1 was not streamed in full');
  });

  it('UI: the states render into the page and the session stops when unsubscribed', async () => {
    const { run } = await seeded('x.torrent');
    const block = substitute(await readmeBlock("import { filter, firstValueFrom, ReplaySubject } from 'rxjs';"), [
      ["{ path: 'downloads/x' }", "{ path: 'downloads/x', host: '127.0.0.1', port: 0 }"],
    ]);
    const { child, report } = await runBlock(run, 'ui', {
      prelude: "const bar = { style: { width: '' } };\nconst label = { textContent: '' };",
      block,
      report: '{ width: bar.style.width, text: label.textContent }',
    });
    const shown = report as { width: string; text: string };
    expect(shown.width).to.equal('100%');
    expect(shown.text).to.match(/^album 100\.0 % /);
    // Unsubscribed, the session lets go of everything: the process ends by itself.
    expect(await child.exited).to.deep.equal({ code: 0, signal: null });
  });
});
