/**
 * The authorizer's policy at scale: access maps generated with 10 groups (fixtures/generated-access-map.ts)
 * of 50, 200 and 500 routes, and the largest policy document the authorizer builds for them over every
 * group and scope set (lambda/authorizer/largest-policy.ts, what synth checks), in bytes of its JSON, beside
 * what synth allows (lib/contracts/policy-size.ts). The same for maps with no shared structure
 * (`unstructuredAccessMap`, in `details`), and what one resource per route would take.
 */
import { GROUP_NAMES } from '../../lib/contracts/groups';
import { largestPolicy } from '../../lambda/authorizer/largest-policy';
import { POLICY_MAX_BYTES, longestApiPrefix, policyBytesBound } from '../../lib/contracts/policy-size';
import { createPolicyBuilder } from '../../lambda/authorizer/policy';
import { generatedAccessMap, unstructuredAccessMap } from '../../fixtures/generated-access-map';

/** The three configured groups and seven more: the bench's callers hold the first three. */
export const TEN_GROUPS: readonly string[] = [
  ...GROUP_NAMES,
  ...Array.from({ length: 10 - GROUP_NAMES.length }, (_, i) => `group-${i + GROUP_NAMES.length}`),
];

export const POLICY_ROUTE_COUNTS = [50, 200, 500] as const;
type RouteCount = (typeof POLICY_ROUTE_COUNTS)[number];

export interface PolicySizes {
  /** Largest policy JSON in bytes, by route count (the generated maps: subtrees per group). */
  readonly largestBytes: Record<RouteCount, number>;
  /** The same for maps with no shared structure. */
  readonly unstructuredLargestBytes: Record<RouteCount, number>;
  /** Every protected route listed once (the bound synth falls back to), generated maps. */
  readonly listedBoundBytes: Record<RouteCount, number>;
  /** Building the first policy of a cold start for the 500-route map (its route tree and one group set), ms. */
  readonly firstPolicyMs500Routes: number;
  /** What synth allows for the policy document (the rest of the 8 KB is kept for principalId and context). */
  readonly maxBytes: number;
}

const byCount = (measure: (count: RouteCount) => number): Record<RouteCount, number> => ({
  50: measure(50),
  200: measure(200),
  500: measure(500),
});

function firstPolicyMs(): number {
  const routes = generatedAccessMap(500, TEN_GROUPS);
  const times = Array.from({ length: 11 }, (_, i) => {
    const start = process.hrtime.bigint();
    createPolicyBuilder(routes, TEN_GROUPS).policyFor(longestApiPrefix('prod'), [TEN_GROUPS[i % TEN_GROUPS.length]]);
    return Number(process.hrtime.bigint() - start) / 1e6;
  });
  return Math.round(times.sort((a, b) => a - b)[5] * 10) / 10;
}

export function measurePolicySizes(): PolicySizes {
  return {
    largestBytes: byCount((count) => largestPolicy(generatedAccessMap(count, TEN_GROUPS), TEN_GROUPS, 'prod').bytes),
    unstructuredLargestBytes: byCount(
      (count) => largestPolicy(unstructuredAccessMap(count, TEN_GROUPS), TEN_GROUPS, 'prod').bytes,
    ),
    listedBoundBytes: byCount((count) =>
      policyBytesBound(generatedAccessMap(count, TEN_GROUPS), longestApiPrefix('prod')),
    ),
    firstPolicyMs500Routes: firstPolicyMs(),
    maxBytes: POLICY_MAX_BYTES,
  };
}
