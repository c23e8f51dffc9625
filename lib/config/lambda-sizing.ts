/**
 * Memory sizes of the functions (MB). Lambda gives CPU in proportion to memory (one vCPU at
 * 1,769 MB), so for the authorizer the size is a latency choice as much as a memory one: the
 * numbers behind it are in bench/README.md (`npm run bench`: heap and RSS after 100,000 decisions,
 * CPU time of the first decision of a cold start). CDK-free: the benchmark reads it too.
 */

/** Lambda's smallest and largest memory sizes. */
export const LAMBDA_MEMORY_RANGE_MB = { min: 128, max: 10_240 } as const;

/** The authorizer's default memory size (AuthorizedApi `authorizerMemorySize`). */
export const AUTHORIZER_MEMORY_MB = 256;

/** The backend handlers' memory size. */
export const HANDLER_MEMORY_MB = 256;
