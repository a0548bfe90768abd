/**
 * The TSDoc `@example`s of `src/`, extracted and type-checked against the built package: each
 * example becomes a module that imports, by name, what it uses of the package's public entry
 * points, of rxjs, and of the module it documents (an internal helper's example may use its own
 * module), plus the few free names of {@link EXAMPLE_PRELUDE}. Everything else it names must be
 * declared or imported by the example itself.
 */
import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** One `@example` of a TSDoc comment. */
export interface DocExample {
  /** Path relative to the repository root, e.g. `src/operators/frameMessages.ts`. */
  readonly file: string;
  /** 1-based line of the example's first code line in `file`. */
  readonly line: number;
  readonly code: string;
}

/** An example that does not type-check, with tsc's messages. */
export interface ExampleFailure {
  readonly example: DocExample;
  readonly messages: readonly string[];
}

/** The public entry points an example may use, in the order a name is looked up in them. */
export const PUBLIC_ENTRIES = ['rxtorrent', 'rxtorrent/operators', 'rxtorrent/tracker', 'rxtorrent/ui'] as const;

/**
 * Free names examples may use without declaring them: values a reader has in hand where the
 * documented function is called. Kept small; an example naming anything else declares it.
 */
export const EXAMPLE_PRELUDE: Readonly<Record<string, string>> = {
  torrent: "declare const torrent: import('rxtorrent').Torrent;",
  client: "declare const client: import('rxtorrent').Client;",
  bytes$: "declare const bytes$: import('rxjs').Observable<Uint8Array>;",
  pieceCount: 'declare const pieceCount: number;',
  infoHash: 'declare const infoHash: Uint8Array;',
  peerId: 'declare const peerId: Uint8Array;',
  socket: "declare const socket: import('node:net').Socket;",
  now: 'declare const now: number;',
  path: 'declare const path: string;',
  port: 'declare const port: number;',
  payload: 'declare const payload: Uint8Array;',
};

/** Names of rxjs an example means as its own variables, never rxjs's (`config` is rxjs's global config). */
const NOT_FROM_RXJS = new Set(['config']);

/**
 * Every `@example` of every TSDoc comment under `dir`: its fenced ```ts blocks, or its inline
 * `` `code` `` when it has no block.
 */
export async function extractExamples(root: string, dir = 'src'): Promise<DocExample[]> {
  const out: DocExample[] = [];
  for (const path of await tsFiles(join(root, dir))) {
    const text = await readFile(path, 'utf8');
    out.push(...examplesOf(relative(root, path), text));
  }
  return out;
}

/** The examples of one source file's text. */
export function examplesOf(file: string, text: string): DocExample[] {
  const out: DocExample[] = [];
  for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const startLine = text.slice(0, comment.index).split('\n').length;
    const lines = comment[0].split('\n').map((l) => l.replace(/^\s*\/?\*+\/?\s?/, '').replace(/\s*\*\/$/, ''));
    for (let i = 0; i < lines.length; i++) {
      const tag = /^@example\b\s*(.*)$/.exec(lines[i]!);
      if (!tag) continue;
      let found = false;
      for (let j = i + 1; j < lines.length && !/^@\w/.test(lines[j]!); j++) {
        if (!/^```(ts|typescript)\s*$/.test(lines[j]!)) continue;
        const end = lines.findIndex((l, k) => k > j && /^```\s*$/.test(l));
        if (end < 0) break;
        out.push({ file, line: startLine + j + 1, code: lines.slice(j + 1, end).join('\n') });
        found = true;
        j = end;
      }
      const inline = /^`([^`]+)`/.exec(tag[1]!);
      if (!found && inline) out.push({ file, line: startLine + i, code: inline[1]! });
    }
  }
  return out;
}

/**
 * Type-checks `examples` in one program against `root`'s built `dist/` (run `npm run build`
 * first), in a scratch project under `workDir`.
 *
 * @returns the examples that fail, with tsc's messages (empty when all compile)
 */
export async function checkExamples(root: string, examples: readonly DocExample[], workDir: string): Promise<ExampleFailure[]> {
  await linkModules(root, workDir);
  const options: ts.CompilerOptions = {
    strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'],
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: ['node'],
  };
  const names = await exportNames(root, workDir, options);
  const files = new Map<string, DocExample>();
  for (const [i, example] of examples.entries()) {
    const path = join(workDir, `example${i + 1}.ts`);
    files.set(path, example);
    await writeFile(path, wrapExample(root, example, names));
  }
  const program = ts.createProgram([...files.keys()], options);
  const byFile = new Map<string, string[]>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const key = d.file?.fileName ?? '';
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    byFile.set(key, [...(byFile.get(key) ?? []), where ? `(${where.line + 1},${where.character + 1}) ${text}` : text]);
  }
  const failures: ExampleFailure[] = [];
  for (const [path, messages] of byFile) {
    const example = files.get(path);
    if (example) failures.push({ example, messages });
    else failures.push({ example: { file: path, line: 0, code: '' }, messages });
  }
  return failures;
}

/** Where each importable name comes from: module specifier → names, in lookup order. */
type NameSources = readonly (readonly [specifier: string, names: ReadonlySet<string>])[];

/** The example as a module: imports of the names it uses, the prelude names it uses, its code. */
function wrapExample(root: string, example: DocExample, sources: NameSources): string {
  const own = join(root, 'dist', example.file.replace(/^src\//, '').replace(/\.ts$/, '.js'));
  const ownNames = sources.find(([s]) => s === own)?.[1] ?? new Set<string>();
  const publicSources = sources.filter(([s]) => s === 'rxjs' || (PUBLIC_ENTRIES as readonly string[]).includes(s));
  const isPublic = [...ownNames].some((name) => publicSources.some(([s, names]) => s !== 'rxjs' && names.has(name)));
  // A public module's example calls only what a user can import (it may name an internal type for
  // a value in hand); an internal helper's example may also use the internal modules it works with.
  const internal = sources.filter(([s]) => !publicSources.some(([p]) => p === s) && s !== own);
  const lookup: NameSources = [[own, ownNames], ...publicSources];
  const declared = declaredNames(example.code);
  const { used, asValue } = usedNames(example.code);
  const imports = new Map<string, string[]>();
  const imported = new Set<string>();
  for (const name of used) {
    if (declared.has(name)) continue;
    const fallback = isPublic && asValue.has(name) ? [] : internal;
    const source = [...lookup, ...fallback].find(([from, names]) => names.has(name) && !(from === 'rxjs' && NOT_FROM_RXJS.has(name)));
    if (!source) continue;
    imports.set(source[0], [...(imports.get(source[0]) ?? []), name]);
    imported.add(name);
  }
  const head = [...imports].map(([from, list]) => `import { ${list.join(', ')} } from '${from}';`);
  const prelude = Object.entries(EXAMPLE_PRELUDE)
    .filter(([name]) => used.has(name) && !declared.has(name) && !imported.has(name))
    .map(([, declaration]) => declaration);
  return `${[...head, ...prelude].join('\n')}\n// ${example.file}:${example.line}\n${example.code}\nexport {};\n`;
}

/** The identifiers an example names, and those of them it uses as values (not only as types). */
function usedNames(code: string): { used: Set<string>; asValue: Set<string> } {
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const used = new Set<string>();
  const asValue = new Set<string>();
  const visit = (node: ts.Node, inType: boolean): void => {
    if (ts.isIdentifier(node)) {
      const parent = node.parent;
      const isProperty = (ts.isPropertyAccessExpression(parent) && parent.name === node) || (ts.isQualifiedName(parent) && parent.right === node)
        || ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent)) && parent.name === node);
      if (!isProperty) {
        used.add(node.text);
        if (!inType) asValue.add(node.text);
      }
    }
    ts.forEachChild(node, (child) => visit(child, inType || ts.isTypeNode(child)));
  };
  visit(source, false);
  return { used, asValue };
}

/** The names an example declares or imports at its top level. */
function declaredNames(code: string): Set<string> {
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const names = new Set<string>();
  const bind = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement)) for (const d of statement.declarationList.declarations) bind(d.name);
    else if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      else if (bindings) for (const e of bindings.elements) names.add(e.name.text);
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement)
      || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name) names.add(statement.name.text);
  }
  return names;
}

/** The export names of the public entries, rxjs, and every module of `dist/`. */
async function exportNames(root: string, workDir: string, options: ts.CompilerOptions): Promise<NameSources> {
  const ownModules = (await tsFiles(join(root, 'dist'), '.d.ts')).map((p) => p.replace(/\.d\.ts$/, '.js'));
  const specifiers = [...PUBLIC_ENTRIES, 'rxjs', ...ownModules];
  const probe = join(workDir, 'exports.ts');
  await writeFile(probe, specifiers.map((s, i) => `import * as m${i} from '${s}';\nexport { m${i} };`).join('\n'));
  const program = ts.createProgram([probe], options);
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(probe)!;
  const moduleSymbol = checker.getSymbolAtLocation(file)!;
  return specifiers.map((specifier, i) => {
    const namespace = checker.getExportsOfModule(moduleSymbol).find((s) => s.name === `m${i}`)!;
    const target = checker.getAliasedSymbol(namespace);
    return [specifier, new Set(checker.getExportsOfModule(target).map((s) => s.name))] as const;
  });
}

/** `workDir/node_modules`: the repository's modules, and `rxtorrent` itself (its `dist/`); `workDir/package.json` makes `.js` files there ES modules. */
export async function linkModules(root: string, workDir: string): Promise<void> {
  const modules = join(workDir, 'node_modules');
  await rm(modules, { recursive: true, force: true });
  await mkdir(modules, { recursive: true });
  await writeFile(join(workDir, 'package.json'), JSON.stringify({ name: 'examples', private: true, type: 'module' }));
  for (const name of await readdir(join(root, 'node_modules'))) {
    if (name.startsWith('.')) continue;
    await symlink(join(root, 'node_modules', name), join(modules, name), 'dir');
  }
  await symlink(root, join(modules, 'rxtorrent'), 'dir');
}

/** Files under `dir` ending in `suffix`, sorted. */
async function tsFiles(dir: string, suffix = '.ts'): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await tsFiles(path, suffix)));
    else if (entry.name.endsWith(suffix) && (suffix === '.d.ts' || !entry.name.endsWith('.d.ts'))) out.push(path);
  }
  return out.sort();
}
