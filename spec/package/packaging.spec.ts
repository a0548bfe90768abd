/**
 * The package as a user installs it: `npm pack`, the tarball unpacked into a fresh project, every
 * entry point loaded with `import` and with `require`, and a strict consumer type-checked without
 * `skipLibCheck` (so our `.d.ts` files must resolve every type they name).
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRIES = ['rxtorrent', 'rxtorrent/operators', 'rxtorrent/tracker', 'rxtorrent/ui'];

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out;
}

describe('the npm package, installed into a fresh project', function () {
  this.timeout(120_000);
  const tmp = { path: '' };
  let project: string;
  let installed: string;
  after(() => rm(tmp.path, { recursive: true, force: true }));

  before(async () => {
    tmp.path = await mkdtemp(join(tmpdir(), 'rxt-pack-'));
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp.path], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    const [packed] = JSON.parse(stdout) as { filename: string }[];
    project = join(tmp.path, 'consumer');
    installed = join(project, 'node_modules', 'rxtorrent');
    await mkdir(installed, { recursive: true });
    await run('tar', ['-xzf', join(tmp.path, packed!.filename), '-C', installed, '--strip-components=1']);
    // What an install would provide, without the network: our production dependencies only (a
    // type needed by our .d.ts but kept in devDependencies fails here), plus the consumer's own
    // typescript and @types/node.
    const { stdout: tree } = await run('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    const ours = join(ROOT, 'node_modules') + '/';
    const names = new Set(['typescript', '@types/node', 'undici-types']);
    for (const line of tree.split('\n')) {
      if (!line.startsWith(ours)) continue;
      const [first, second] = line.slice(ours.length).split('/');
      names.add(first!.startsWith('@') ? `${first}/${second}` : first!);
    }
    for (const name of names) {
      if (name.includes('node_modules')) continue;
      await mkdir(join(project, 'node_modules', name, '..'), { recursive: true });
      await symlink(join(ours, name), join(project, 'node_modules', name), 'dir');
    }
  });

  it('ships LICENSE, dist and no sources; every source map carries its sources', async () => {
    const files = (await walk(installed)).map((f) => f.slice(installed.length + 1));
    expect(files).to.include.members(['LICENSE', 'package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'demo/pipeline.ts', 'demo/dashboard.ts']);
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('spec/'))).to.deep.equal([]);
    for (const map of files.filter((f) => f.endsWith('.js.map'))) {
      const parsed = JSON.parse(await readFile(join(installed, map), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      expect(parsed.sourcesContent?.length, map).to.equal(parsed.sources.length);
    }
  });

  for (const entry of ENTRIES) {
    it(`${entry}: import() and require() both load it`, async () => {
      await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
      const check = `const m = MOD; if (Object.keys(m).length < 3) { console.error(Object.keys(m)); process.exit(1); }`;
      await run(process.execPath, ['-e', check.replace('MOD', `require(${JSON.stringify(entry)})`)], { cwd: project });
      await run(process.execPath, ['--input-type=module', '-e', check.replace('MOD', `await import(${JSON.stringify(entry)})`)], { cwd: project });
    });
  }

  it('a strict TypeScript consumer (nodenext, no skipLibCheck) type-checks, ESM and CommonJS, and gets no `any`', async () => {
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: false, types: ['node'] },
      include: ['*.ts', '*.cts'],
    }));
    const isNotAny = 'type IsAny<T> = 0 extends 1 & T ? true : false;\nfunction notAny<T>(_: T, ok: IsAny<T> extends false ? true : never): void { void ok; }\n';
    await writeFile(join(project, 'esm.ts'), `import { createClient, readTorrent, RxTorrentError } from 'rxtorrent';
import { frameMessages } from 'rxtorrent/operators';
import { createTrackerApp, memoryStore } from 'rxtorrent/tracker';
import { createDashboardApp } from 'rxtorrent/ui';
import { of } from 'rxjs';
${isNotAny}const client = createClient({ host: '127.0.0.1', port: 0 });
notAny(client, true);
notAny(createTrackerApp({}, { store: memoryStore() }), true);
notAny(createDashboardApp(of()), true);
notAny(frameMessages(), true);
export const parts = [readTorrent, RxTorrentError];
`);
    await writeFile(join(project, 'cjs.cts'), `import rx = require('rxtorrent');
import tracker = require('rxtorrent/tracker');
${isNotAny}notAny(rx.createClient, true);
notAny(tracker.createTrackerApp, true);
`);
    expect(await typeCheck(project)).to.equal('');
  });

  it('the demos it ships (demo/, which the README points to) type-check against it', async () => {
    const dir = join(project, 'demos');
    await mkdir(dir, { recursive: true });
    const demos = (await readdir(join(installed, 'demo'))).filter((f) => f.endsWith('.ts')).map((f) => join(installed, 'demo', f));
    expect(demos.length).to.be.at.least(5);
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'demos', private: true, type: 'module' }));
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: false, types: ['node'] },
      files: demos,
    }));
    expect(await typeCheck(dir)).to.equal('');
  });

  it('every TypeScript block of README.md type-checks against the installed package, as written', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
    expect(blocks.length, 'the README has TypeScript blocks').to.be.at.least(4);
    const dir = join(project, 'readme');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'readme', private: true, type: 'module' }));
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: false, types: ['node'] },
      include: ['*.ts'],
    }));
    for (const [i, block] of blocks.entries()) await writeFile(join(dir, `block${i + 1}.ts`), `${readmePrelude(block)}${block}\nexport {};\n`);
    expect(await typeCheck(dir)).to.equal('');
  });
});

/** Runs the consumer's tsc on `project`; its output ('' when it type-checks). */
async function typeCheck(project: string): Promise<string> {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = await run(process.execPath, [tsc, '-p', project], { cwd: project }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? String(err) }));
  return result.stdout;
}

/**
 * What a README block uses from the page around it (a UI's elements, a client made in an earlier
 * block), declared for the blocks that use it without declaring it.
 */
function readmePrelude(block: string): string {
  const context: Record<string, string> = {
    render: 'declare const render: (state: unknown) => void;',
    bar: 'declare const bar: { style: { width: string } };',
    label: 'declare const label: { textContent: string };',
    state$: "declare const state$: import('rxjs').Observable<import('rxtorrent').SessionState>;",
    client: "declare const client: import('rxtorrent').Client;",
  };
  return Object.entries(context)
    .filter(([name]) => new RegExp(`(^|[^\\w.$])${name.replace('$', '\\$')}([^\\w$]|$)`).test(block) && !new RegExp(`const ${name.replace('$', '\\$')} =`).test(block))
    .map(([, declaration]) => `${declaration}\n`)
    .join('');
}
