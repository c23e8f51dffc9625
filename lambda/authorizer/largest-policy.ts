/**
 * The largest policy the authorizer answers with for an access map, as it builds it: every set of
 * the groups (people) and of the scopes (machine clients) the routes name, each policy built by the
 * authorizer's own builder for the longest ARN prefix the API could have. Groups or scopes that
 * grant exactly the same routes are one choice, so the sets are those of the distinct choices;
 * when there would be more than MAX_EXACT_SETS, the proven bound of policy-size.ts stands in.
 */
import { isPublic, scopesOf, type RouteAccess } from '../../lib/contracts/access-map';
import { POLICY_MAX_BYTES, longestApiPrefix, policyBytesBound } from '../../lib/contracts/policy-size';
import { createPolicyBuilder } from './policy';

/** 2^12 policies of 500 routes take a few seconds at synth. */
const MAX_EXACT_SETS = 4096;

export interface LargestPolicy {
  readonly bytes: number;
  /** How it was found: every distinct set built, or the one-resource-per-route bound. */
  readonly method: 'every-set' | 'bound';
}

/** One name for each distinct set of routes the names grant (names granting nothing are left out). */
function distinctGrants(names: readonly string[], routeNames: readonly (readonly string[])[]): string[] {
  const byRoutes = new Map<string, string>();
  for (const name of names) {
    const key = routeNames.map((granted, index) => (granted.includes(name) ? index : '')).join(',');
    if (/\d/.test(key) && !byRoutes.has(key)) byRoutes.set(key, name);
  }
  return [...byRoutes.values()];
}

function subsets(names: readonly string[]): string[][] {
  return Array.from({ length: 2 ** names.length }, (_, mask) => names.filter((_, bit) => (mask >> bit) & 1));
}

export function largestPolicy(
  routes: readonly RouteAccess[],
  groups: readonly string[],
  stageName: string,
): LargestPolicy {
  const prefix = longestApiPrefix(stageName);
  const protectedRoutes = routes.filter((route) => !isPublic(route));
  const groupChoices = distinctGrants(
    groups,
    protectedRoutes.map((route): readonly string[] => (typeof route.access === 'string' ? [] : route.access)),
  );
  const scopeChoices = distinctGrants(
    scopesOf(protectedRoutes),
    protectedRoutes.map((route) => route.scopes ?? []),
  );
  if (2 ** groupChoices.length + 2 ** scopeChoices.length > MAX_EXACT_SETS)
    return { bytes: policyBytesBound(routes, prefix), method: 'bound' };
  const builder = createPolicyBuilder(routes, groups);
  const bytes = (document: object) => Buffer.byteLength(JSON.stringify(document));
  return {
    bytes: Math.max(
      ...subsets(groupChoices).map((set) => bytes(builder.policyFor(prefix, set).document)),
      ...subsets(scopeChoices).map((set) => bytes(builder.machinePolicyFor(prefix, set).document)),
    ),
    method: 'every-set',
  };
}

/**
 * The authorizer's largest policy (every group and scope set, built as the authorizer builds it) must
 * fit its answer (API Gateway's limit, lib/contracts/policy-size.ts). The API construct checks it at
 * synth, once the routes themselves are well-formed (lib/config/validation.ts › routeProblems).
 */
export function policySizeProblems(
  routes: readonly RouteAccess[],
  groups: readonly string[],
  stageName: string,
): string[] {
  let largest: LargestPolicy;
  try {
    largest = largestPolicy(routes, groups, stageName);
  } catch (error) {
    return [
      `routes: the authorizer cannot build its policies: ${error instanceof Error ? error.message : String(error)}`,
    ];
  }
  if (largest.bytes <= POLICY_MAX_BYTES) return [];
  const reaches = largest.method === 'bound' ? 'could reach' : 'reaches';
  return [
    `routes: the authorizer's largest policy ${reaches} ${largest.bytes} bytes, over the ${POLICY_MAX_BYTES} its answer has room for (API Gateway's Lambda authorizer result size, 8 KB): protect fewer routes, or give each group whole subtrees of paths (a wildcard covers them)`,
  ];
}
