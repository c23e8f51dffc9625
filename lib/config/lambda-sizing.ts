/**
 * Memory sizes of the functions (MB). Lambda gives CPU in proportion to memory (one vCPU at
 * 1,769 MB). CDK-free: the benchmark reads it too.
 */

/** Lambda's smallest and largest memory sizes. */
export const LAMBDA_MEMORY_RANGE_MB = { min: 128, max: 10_240 } as const;

/**
 * The authorizer's default memory size (AuthorizedApi `authorizerMemorySize`). Memory is not what
 * limits it: after 100,000 decisions its heap and resident set fit well within 128 MB. CPU is: a cold
 * start's first decision is CPU-bound, and Lambda's CPU share grows with memory, so at 256 MB the
 * caller waits about four times as long as at 1,024 MB, while a warm decision is billed as 1 ms at
 * any size (the numbers: bench/README.md › Numbers behind the code's comments).
 */
export const AUTHORIZER_MEMORY_MB = 1024;

/** The backend handlers' memory size. */
export const HANDLER_MEMORY_MB = 256;
