/**
 * The layer boundaries the layout implies (README › Layout, docs/development.md), checked in `npm test`
 * (`npm run boundaries`). Each rule names what it protects.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'contracts-are-the-bottom-layer',
      comment:
        'lib/contracts/ holds what the stacks, the Lambdas, the local system, the CLI and smoke agree on: it imports only itself.',
      severity: 'error',
      from: { path: '^lib/contracts/' },
      to: { path: '^(bin|lib|lambda|test|bench|fixtures)/', pathNot: '^lib/contracts/' },
    },
    {
      name: 'config-imports-contracts-only',
      comment: 'lib/config/ is the typed config validated at synth: it builds on lib/contracts/ and nothing above.',
      severity: 'error',
      from: { path: '^lib/config/' },
      to: { path: '^(bin|lib|lambda|test|bench|fixtures)/', pathNot: '^lib/(config|contracts)/' },
    },
    {
      name: 'clients-import-contracts-only',
      comment: 'lib/clients/ configures the AWS SDK clients once, for the Lambdas, the local system and smoke.',
      severity: 'error',
      from: { path: '^lib/clients/' },
      to: { path: '^(bin|lib|lambda|test|bench|fixtures)/', pathNot: '^lib/(clients|contracts)/' },
    },
    {
      name: 'shared-layers-are-cdk-free',
      comment:
        'Contracts, config and clients are bundled into Lambdas or run in the CLI: no aws-cdk-lib, constructs or cdk-nag.',
      severity: 'error',
      from: { path: '^lib/(contracts|config|clients)/' },
      to: { path: '(^|/)node_modules/(aws-cdk-lib|constructs|cdk-nag)/' },
    },
    {
      name: 'contracts-and-config-are-sdk-free',
      comment: 'The AWS SDK is loaded by lib/clients/ only: a contract or the config never pulls it into a bundle.',
      severity: 'error',
      from: { path: '^lib/(contracts|config)/' },
      to: { path: '(^|/)node_modules/@aws-sdk/' },
    },
    {
      name: 'lambda-imports-lambda-contracts-and-clients-only',
      comment:
        'Lambda code is bundled on its own: besides lambda/ it may import lib/contracts/ and lib/clients/ (and packages), never the config or the CDK side.',
      severity: 'error',
      from: { path: '^lambda/' },
      to: { path: '^(bin|lib|test|bench|fixtures)/', pathNot: '^lib/(contracts|clients)/' },
    },
    {
      name: 'token-and-revocation-stand-alone',
      comment:
        'lambda/token/ (is this token ours and current) and lambda/revocation/ (is it revoked) serve the authorizer and the backends alike: they import neither.',
      severity: 'error',
      from: { path: '^lambda/(token|revocation)/' },
      to: { path: '^lambda/(authorizer|auth|admin|handlers|reviews)/' },
    },
    {
      name: 'authorizer-internals-stay-inside',
      comment:
        "Only the authorizer's settings reader is used from outside it: logout accepts exactly what the authorizer accepts, from the same AUTHORIZER_CONFIG.",
      severity: 'error',
      from: { path: '^lambda/', pathNot: '^lambda/authorizer/' },
      to: { path: '^lambda/authorizer/', pathNot: '^lambda/authorizer/settings\\.ts$' },
    },
    {
      name: 'cli-and-smoke-stand-outside',
      comment: 'The CLI and smoke are clients of a stage: they never load Lambda code or the local stand-ins.',
      severity: 'error',
      from: { path: '^lib/(cli|smoke)/' },
      to: { path: '^(lambda|lib/local)/' },
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
