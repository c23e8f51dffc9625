/**
 * How Lambda code is bundled, shared by the CDK constructs (NodejsFunction) and the benchmark
 * that measures the deployed authorizer bundle. CDK-free.
 */

/** esbuild target matching the Lambda runtime (nodejs24.x). */
export const LAMBDA_NODE_TARGET = 'node24';

export const LAMBDA_BUNDLING = {
  minify: true,
  /** Keeps class names readable in logs and stack traces; `instanceof` checks do not depend on it. */
  keepNames: true,
  target: LAMBDA_NODE_TARGET,
  format: 'cjs',
  /** Source maps ship beside the bundle (NODE_OPTIONS=--enable-source-maps), without sources inlined. */
  sourceMap: true,
  sourcesContent: false,
} as const;

/**
 * Module substitutions for the authorizer bundle, as esbuild `alias` entries. Targets are relative
 * to the project root: esbuild resolves alias targets from its working directory, which is the
 * project root both for CDK's NodejsFunction (it runs esbuild there) and for the benchmark.
 * - `https` → a stand-in that loads the real module on first use: aws-jwt-verify requires `https`
 *   at import for a fetcher the authorizer does not use, and loading it costs ≈ 5–8 ms per cold start.
 *   `node:https` (what our own code asks for) is not affected.
 */
export const AUTHORIZER_ALIASES: Readonly<Record<string, string>> = {
  https: './lambda/authorizer/deferred-https.ts',
};

/** NodejsFunction `bundling` for the authorizer: the common options plus its aliases. */
export const AUTHORIZER_BUNDLING = {
  ...LAMBDA_BUNDLING,
  esbuildArgs: { '--alias': Object.entries(AUTHORIZER_ALIASES).map(([from, to]) => `${from}=${to}`) } as Record<string, string | boolean | string[]>,
};
