/**
 * Memory sizes of the functions (MB). Lambda gives CPU in proportion to memory (one vCPU at
 * 1,769 MB). CDK-free: the benchmark reads it too.
 */

/** Lambda's smallest and largest memory sizes. */
export const LAMBDA_MEMORY_RANGE_MB = { min: 128, max: 10_240 } as const;

/**
 * The authorizer's default memory size (AuthorizedApi `authorizerMemorySize`). Memory is not what
 * limits it: after 100,000 decisions its heap is ≈ 4 MB and the whole process ≈ 70 MB resident
 * (`npm run bench`: heap_after_100k_decisions_mb, rss_after_100k_decisions_mb), so 128 MB would hold
 * it. CPU is: the first decision of a cold start is ≈ 38–60 ms of CPU on one full vCPU, which at
 * 256 MB (a seventh of a vCPU) stretches to ≈ 260–415 ms the caller waits, at 1,024 MB to ≈ 65–105 ms.
 * A warm decision is billed as 1 ms whatever the size, so the larger size adds ≈ $0.01 per million
 * invocations on arm64, against $0.20 per million for the requests themselves (bench/README.md).
 */
export const AUTHORIZER_MEMORY_MB = 1024;

/** The backend handlers' memory size. */
export const HANDLER_MEMORY_MB = 256;
