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

/** Bundling of one function: the common options plus what it leaves out and substitutes. */
export type FunctionBundling = Omit<typeof LAMBDA_BUNDLING, 'sourceMap' | 'keepNames'> & {
  /** Whether function and class names survive minification (for stack traces). */
  readonly keepNames: boolean;
  /** Whether the source map ships beside the bundle (and the function runs with --enable-source-maps). */
  readonly sourceMap: boolean;
  readonly externalModules: string[];
  /** CDK's `esbuildArgs` form (an array value repeats the flag). */
  readonly esbuildArgs?: Record<string, string | boolean | string[]>;
};

/** NODE_OPTIONS of a function: stack traces through its source map, when one ships. */
export function nodeOptionsFor(bundling: FunctionBundling): string | undefined {
  return bundling.sourceMap ? '--enable-source-maps' : undefined;
}

/** The backends: the Node.js runtime ships AWS SDK v3, so their bundles leave it out. */
export const HANDLER_BUNDLING: FunctionBundling = { ...LAMBDA_BUNDLING, externalModules: ['@aws-sdk/*'] };

/**
 * The authorizer: aws-jwt-verify inside, the AWS SDK left out (the Lambda runtime ships it; only
 * the revocation check uses it, and loads it on its first read: `import()` is bundled as a
 * `require` made at that moment), and without a source map or kept names. It never prints a stack
 * trace (every failure becomes a reason code in its decision line; errors are told apart by class,
 * not by name), while --enable-source-maps costs every cold start ≈ 6–10 ms of CPU (`npm run
 * bench`, the "with source maps" variant of cold_first_decision_ms).
 */
export const AUTHORIZER_BUNDLING: FunctionBundling = {
  ...LAMBDA_BUNDLING,
  sourceMap: false,
  // Names are for stack traces too, and `keepNames` wraps every function and class in a naming call
  // at load: ≈ 3.5 KB more to compile and ≈ 0.6–0.9 ms more per cold start (bench/README, "Cold start").
  keepNames: false,
  externalModules: ['@aws-sdk/*'],
  esbuildArgs: { '--supported:dynamic-import': 'false' },
};
