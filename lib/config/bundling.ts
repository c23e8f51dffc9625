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

/** NODE_OPTIONS of every function: stack traces through the source maps that ship beside the bundles. */
export const LAMBDA_NODE_OPTIONS = '--enable-source-maps';

/** Bundling of one function: the common options plus what it leaves out and substitutes. */
export type FunctionBundling = typeof LAMBDA_BUNDLING & {
  readonly externalModules: string[];
  /** CDK's `esbuildArgs` form (an array value repeats the flag). */
  readonly esbuildArgs?: Record<string, string | boolean | string[]>;
};

/** The backends: the Node.js runtime ships AWS SDK v3, so their bundles leave it out. */
export const HANDLER_BUNDLING: FunctionBundling = { ...LAMBDA_BUNDLING, externalModules: ['@aws-sdk/*'] };

/**
 * The authorizer: self-contained (aws-jwt-verify inside; it uses no AWS SDK), with `https` replaced
 * by a stand-in that loads the real module on first use: aws-jwt-verify requires `https` at import
 * for a fetcher the authorizer does not use, and loading it costs ≈ 5–8 ms per cold start.
 * `node:https` (what our own code asks for) is not affected. The alias target is relative to the
 * project root, where both CDK's NodejsFunction and the benchmark run esbuild.
 */
export const AUTHORIZER_BUNDLING: FunctionBundling = {
  ...LAMBDA_BUNDLING,
  externalModules: [],
  esbuildArgs: { '--alias': ['https=./lambda/authorizer/deferred-https.ts'] },
};
