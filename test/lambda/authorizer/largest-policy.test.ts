/**
 * The synth-time size of the authorizer's policy: the largest over every group and scope set, as the
 * authorizer builds it (lambda/authorizer/largest-policy.ts); the one-resource-per-route bound it falls back
 * to is never below it; the shipped map is well within API Gateway's 8 KB for an authorizer's result.
 */
import { accessMap, scopesOf } from '../../../lib/contracts/access-map';
import { GROUP_NAMES } from '../../../lib/contracts/groups';
import { largestPolicy, policySizeProblems } from '../../../lambda/authorizer/largest-policy';
import {
  AUTHORIZER_RESULT_MAX_BYTES,
  POLICY_MAX_BYTES,
  longestApiPrefix,
  policyBytesBound,
} from '../../../lib/contracts/policy-size';
import { createPolicyBuilder } from '../../../lambda/authorizer/policy';
import { generatedAccessMap, groupSubsets, unstructuredAccessMap } from '../../../fixtures/generated-access-map';

const PREFIX = longestApiPrefix('prod');
const SIX = ['a', 'b', 'c', 'd', 'e', 'f'];

/** Every subset of every group and scope, built one by one. */
const bruteForceLargest = (routes: Parameters<typeof createPolicyBuilder>[0], groups: readonly string[]): number => {
  const builder = createPolicyBuilder(routes, groups);
  const bytes = (document: object) => Buffer.byteLength(JSON.stringify(document));
  return Math.max(
    ...groupSubsets(groups).map((set) => bytes(builder.policyFor(PREFIX, set).document)),
    ...groupSubsets(scopesOf(routes)).map((set) => bytes(builder.machinePolicyFor(PREFIX, set).document)),
  );
};

it.each([
  ['the shipped access map', accessMap, GROUP_NAMES],
  ['30 generated routes', generatedAccessMap(30, GROUP_NAMES), GROUP_NAMES],
  ['60 generated routes over 6 groups', generatedAccessMap(60, SIX), SIX],
  ['60 unstructured routes over 6 groups', unstructuredAccessMap(60, SIX), SIX],
])('is the largest policy the authorizer builds for any group or scope set: %s', (_name, routes, groups) => {
  const largest = bruteForceLargest(routes, groups);
  expect(largestPolicy(routes, groups, 'prod')).toEqual({ bytes: largest, method: 'every-set' });
  expect(policyBytesBound(routes, PREFIX)).toBeGreaterThanOrEqual(largest);
});

it('treats groups that grant the same routes as one choice (13 groups, 2 choices: no fallback)', () => {
  const groups = Array.from({ length: 13 }, (_, index) => `group-${index}`);
  const routes = [
    { method: 'GET', path: '/a', access: groups },
    { method: 'GET', path: '/b', access: ['group-0'] },
  ] as const;
  expect(largestPolicy(routes, groups, 'prod').method).toBe('every-set');
});

it('falls back to the one-resource-per-route bound when there are too many distinct group sets', () => {
  const groups = Array.from({ length: 13 }, (_, index) => `group-${index}`);
  const routes = groups.map((group) => ({ method: 'GET' as const, path: `/${group}`, access: [group] }));
  expect(largestPolicy(routes, groups, 'prod')).toEqual({ bytes: policyBytesBound(routes, PREFIX), method: 'bound' });
});

it('leaves the answer a reserve for principalId and context under the documented 8 KB', () => {
  expect(AUTHORIZER_RESULT_MAX_BYTES).toBe(8192);
  expect(POLICY_MAX_BYTES).toBe(8192 - 1024);
  expect(largestPolicy(accessMap, GROUP_NAMES, 'prod').bytes).toBeLessThan(POLICY_MAX_BYTES / 4);
});

it("names a policy that would not fit the authorizer's answer (API Gateway: 8 KB) in one sentence", () => {
  // 500 routes in subtrees per group fit (wildcards); 200 with no shared structure do not.
  expect(policySizeProblems(generatedAccessMap(500, GROUP_NAMES), GROUP_NAMES, 'v1')).toEqual([]);
  expect(policySizeProblems(unstructuredAccessMap(120, GROUP_NAMES), GROUP_NAMES, 'v1')).toEqual([]);
  expect(policySizeProblems(unstructuredAccessMap(200, GROUP_NAMES), GROUP_NAMES, 'v1')).toEqual([
    "routes: the authorizer's largest policy reaches 8094 bytes, over the 7168 its answer has room for (API Gateway's Lambda authorizer result size, 8 KB): protect fewer routes, or give each group whole subtrees of paths (a wildcard covers them)",
  ]);
});
