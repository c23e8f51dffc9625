/**
 * The authorizer's policy at scale: access maps generated with 10 groups (fixtures/generated-access-map.ts)
 * of 50, 200 and 500 routes, and the largest policy document the authorizer builds for them over the
 * group sets (no group, each group alone, each pair of neighbours, all ten), in bytes of its JSON,
 * beside what synth allows (lib/config/policy-size.ts).
 */
import { GROUP_NAMES } from '../../lib/contracts/groups';
import { POLICY_MAX_BYTES, longestApiPrefix } from '../../lib/config/policy-size';
import { createPolicyBuilder } from '../../lambda/authorizer/policy';
import { generatedAccessMap } from '../../fixtures/generated-access-map';

/** The three configured groups and seven more: the bench's callers hold the first three. */
export const TEN_GROUPS: readonly string[] = [
  ...GROUP_NAMES,
  ...Array.from({ length: 10 - GROUP_NAMES.length }, (_, i) => `group-${i + GROUP_NAMES.length}`),
];

export const POLICY_ROUTE_COUNTS = [50, 200, 500] as const;

export interface PolicySizes {
  /** Largest policy JSON in bytes, by route count. */
  readonly largestBytes: Record<(typeof POLICY_ROUTE_COUNTS)[number], number>;
  /** What synth allows for the policy document (the rest of the 8 KB is kept for principalId and context). */
  readonly maxBytes: number;
  readonly groupSets: number;
}

const groupSets = (groups: readonly string[]): string[][] => [
  [],
  ...groups.map((group) => [group]),
  ...groups.map((group, i) => [group, groups[(i + 1) % groups.length]]),
  [...groups],
];

export function measurePolicySizes(): PolicySizes {
  const prefix = longestApiPrefix('prod');
  const sets = groupSets(TEN_GROUPS);
  const largest = (count: number): number => {
    const builder = createPolicyBuilder(generatedAccessMap(count, TEN_GROUPS), TEN_GROUPS);
    return Math.max(...sets.map((set) => Buffer.byteLength(JSON.stringify(builder.policyFor(prefix, set).document))));
  };
  return {
    largestBytes: { 50: largest(50), 200: largest(200), 500: largest(500) },
    maxBytes: POLICY_MAX_BYTES,
    groupSets: sets.length,
  };
}
