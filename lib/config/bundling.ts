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
