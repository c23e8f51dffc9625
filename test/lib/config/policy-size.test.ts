/**
 * The synth-time bound on the authorizer's policy: never below the real largest policy (every group
 * set of the shipped access map and of generated ones, as the authorizer builds them), and the
 * shipped map well within API Gateway's 8 KB for an authorizer's result.
 */
import { accessMap } from '../../../lib/contracts/access-map';
import { GROUP_NAMES } from '../../../lib/contracts/groups';
import {
  AUTHORIZER_RESULT_MAX_BYTES,
  POLICY_MAX_BYTES,
  longestApiPrefix,
  policyBytesBound,
} from '../../../lib/config/policy-size';
import { createPolicyBuilder } from '../../../lambda/authorizer/policy';
import { generatedAccessMap, groupSubsets } from '../../../fixtures/generated-access-map';

const PREFIX = longestApiPrefix('prod');

const largestPolicyBytes = (routes: Parameters<typeof createPolicyBuilder>[0], groups: readonly string[]): number => {
  const builder = createPolicyBuilder(routes, groups);
  return Math.max(
    ...groupSubsets(groups).map((set) => Buffer.byteLength(JSON.stringify(builder.policyFor(PREFIX, set).document))),
  );
};

it.each([
  ['the shipped access map', accessMap, GROUP_NAMES],
  ['10 generated routes', generatedAccessMap(10, GROUP_NAMES), GROUP_NAMES],
  [
    '60 generated routes over 6 groups',
    generatedAccessMap(60, ['a', 'b', 'c', 'd', 'e', 'f']),
    ['a', 'b', 'c', 'd', 'e', 'f'],
  ],
])('is never below the largest policy the authorizer builds for any group set: %s', (_name, routes, groups) => {
  const largest = largestPolicyBytes(routes, groups);
  const bound = policyBytesBound(routes, PREFIX);
  expect(bound).toBeGreaterThanOrEqual(largest);
  // and not so loose that it refuses maps that fit: at most the Deny statement's frame more
  expect(bound - largest).toBeLessThan(120 + PREFIX.length * 2);
});

it('leaves the answer a reserve for principalId and context under the documented 8 KB', () => {
  expect(AUTHORIZER_RESULT_MAX_BYTES).toBe(8192);
  expect(POLICY_MAX_BYTES).toBe(8192 - 1024);
  expect(policyBytesBound(accessMap, PREFIX)).toBeLessThan(POLICY_MAX_BYTES / 4);
});
