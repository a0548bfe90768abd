/**
 * Every TSDoc `@example` of `src/` type-checks against the built package (`npm test` builds
 * first): an example that names a function, option or field that no longer exists fails here.
 */
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { checkExamples, examplesOf, extractExamples, type ExampleFailure } from '../helpers/examples.js';
import { removeTempDir, makeTempDir } from '../helpers/tmp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A failure list as text, one example with its messages per paragraph. */
function describeFailures(failures: readonly ExampleFailure[]): string {
  return failures.map((f) => `${f.example.file}:${f.example.line}\n${f.example.code}\n  ${f.messages.join('\n  ')}`).join('\n\n');
}

describe('TSDoc @examples', function () {
  this.timeout(180_000);
  let work: string;
  beforeEach(async () => { work = await makeTempDir('rxt-examples-'); });
  afterEach(() => removeTempDir(work));

  it('every @example in src/ type-checks against the public API (or, for internal helpers, their own modules)', async () => {
    const examples = await extractExamples(ROOT);
    expect(examples.length, 'examples found').to.be.at.least(350);
    const failures = await checkExamples(ROOT, examples, work);
    expect(failures, describeFailures(failures)).to.deep.equal([]);
  });

  it('fails an example that calls what does not exist, passes a wrong option or names an undeclared value', async () => {
    const source = [
      '/**',
      ' * @example',
      ' * ```ts',
      " * const client = createClient({ host: '127.0.0.1', port: 0 });",
      " * client.add(torrent, { path: 'downloads' }).state$.subscribe((s) => console.log(s.progress));",
      ' * ```',
      ' */',
      '/** @example `frameMessages({ pieceCount: 3, maxFrameBytes: 1 })` */',
      '/** @example `downloadEverything(torrent)` */',
      '/**',
      ' * @example',
      ' * ```ts',
      ' * bytes$.pipe(decodeMessages({ pieceCount })).subscribe(handleMessage);',
      ' * ```',
      ' */',
    ].join('\n');
    const examples = examplesOf('src/operators/frameMessages.ts', source);
    expect(examples.map((e) => e.line)).to.deep.equal([4, 8, 9, 13]);
    const failures = await checkExamples(ROOT, examples, work);
    const byLine = new Map(failures.map((f) => [f.example.line, f.messages.join('\n')]));
    expect(byLine.has(4), describeFailures(failures)).to.equal(false);
    expect(byLine.get(8)).to.match(/maxFrameBytes/);
    expect(byLine.get(9)).to.match(/Cannot find name 'downloadEverything'/);
    expect(byLine.get(13)).to.match(/Cannot find name 'handleMessage'/);
  });
});
