/**
 * The layer boundaries the layout implies (README › Layout), checked in `npm test`
 * (`npm run boundaries`). Each rule names what it protects.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'lambda-imports-lambda-and-config-only',
      comment:
        'Lambda code is bundled on its own: it may import lambda/ and lib/config/ (and packages), nothing else of ours.',
      severity: 'error',
      from: { path: '^lambda/' },
      to: { path: '^(bin|lib|test|bench|fixtures)/', pathNot: '^lib/config/' },
    },
    {
      name: 'config-is-cdk-free',
      comment: 'lib/config/ is bundled into Lambdas: no aws-cdk-lib or constructs.',
      severity: 'error',
      from: { path: '^lib/config/' },
      to: { path: '(^|/)node_modules/(aws-cdk-lib|constructs|cdk-nag)/' },
    },
    {
      name: 'config-imports-no-upper-layer',
      comment:
        'lib/config/ is the bottom layer: it imports nothing from constructs, stacks, the local system or the CLI.',
      severity: 'error',
      from: { path: '^lib/config/' },
      to: { path: '^lib/(constructs|stacks|local|cli)/' },
    },
    {
      name: 'infrastructure-ignores-local-and-cli',
      comment: 'What is deployed must not depend on the local stand-ins or the CLI.',
      severity: 'error',
      from: { path: '^lib/(constructs|stacks)/' },
      to: { path: '^lib/(local|cli)/' },
    },
    {
      name: 'production-never-imports-tests-or-benchmarks',
      comment: 'bin/, lib/ and lambda/ ship; test/, bench/ and fixtures/ do not.',
      severity: 'error',
      from: { path: '^(bin|lib|lambda)/' },
      to: { path: '^(test|bench|fixtures)/' },
    },
    {
      name: 'no-circular',
      comment: 'Circular imports make load order matter.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(cdk\\.out|\\.local|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
