/** Layering rules (docs/ARCHITECTURE.md): imports only point down; protocol stays pure. */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'protocol-is-pure',
      comment: 'src/protocol: no rxjs and no Node I/O; node:crypto (SHA-1) is the one Node import.',
      severity: 'error',
      from: { path: '^src/protocol' },
      to: { pathNot: ['^src/protocol/', '^src/errors(\\.ts$|/)', 'node_modules/bencode/', '^(node:)?crypto$'] },
    },
    { name: 'operators-no-io', severity: 'error', from: { path: '^src/operators' },
      to: { path: '^src/(streams|tracker|cli|ui)/' } },
    { name: 'tracker-not-up', severity: 'error', from: { path: '^src/tracker' },
      to: { path: '^src/(streams|cli|ui)/' } },
    { name: 'streams-not-up', severity: 'error', from: { path: '^src/streams' },
      to: { path: '^src/(cli|ui)/' } },
    { name: 'ui-not-cli', severity: 'error', from: { path: '^src/ui' }, to: { path: '^src/cli/' } },
    { name: 'src-not-tests', severity: 'error', from: { path: '^src' }, to: { path: '^(spec|demo|bench)/' } },
    { name: 'not-to-unresolvable', severity: 'error', from: {}, to: { couldNotResolve: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.d.ts'] },
  },
};
