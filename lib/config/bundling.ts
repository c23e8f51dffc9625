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
 * The authorizer: aws-jwt-verify and our SigV4 signer inside, no AWS SDK (its revocation
 * reads are signed requests of its own: loading the SDK's DynamoDB client was most of a cold start),
 * and without a source map or kept names. It never prints a stack trace (every failure becomes a
 * reason code in its decision line; errors are told apart by class, not by name), while
 * --enable-source-maps costs every cold start milliseconds of CPU (bench/README.md).
 */
export const AUTHORIZER_BUNDLING: FunctionBundling = {
  ...LAMBDA_BUNDLING,
  sourceMap: false,
  // Names are for stack traces too, and `keepNames` wraps every function and class in a naming call
  // at load: more to compile and more to run per cold start (bench/README.md).
  keepNames: false,
  // Left out should anything import it by mistake: the bundle test then finds a require of it.
  externalModules: ['@aws-sdk/*'],
};
