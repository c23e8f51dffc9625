/**
 * Step 3: decide. API Gateway caches the authorizer's answer per token and reuses it for
 * every route, so the policy must decide every route of the access map, not just the one
 * called. Policies depend only on the API (ARN prefix) and the caller's groups (people) or
 * scopes (machine clients): they are built once per cold start per combination and reused.
 */
import { grants, grantsScopes, isPublic, scopesOf, type RouteAccess } from '../../lib/contracts/access-map';
import { longestApiPrefix } from '../../lib/contracts/policy-size';
import { compressedResources, routeSuffix, routeTree, type RouteTree } from './policy-compression';
import { compilePolicy, type PolicyDocument, type PolicyEvaluator, type PolicyStatement } from './iam-policy';

export interface MethodArnParts {
  /** `arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>` */
  readonly apiPrefix: string;
  readonly method: string;
  /** Request path with a leading slash. */
  readonly path: string;
}

/** Splits `arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>`. */
export function parseMethodArn(methodArn: unknown): MethodArnParts | undefined {
  // Runs per request: found with indexOf, without splitting the ARN into arrays.
  if (typeof methodArn !== 'string' || !methodArn.startsWith('arn:')) return undefined;
  const partitionEnd = methodArn.indexOf(':', 4);
  if (partitionEnd < 0 || !methodArn.startsWith(':execute-api:', partitionEnd)) return undefined;
  const regionEnd = methodArn.indexOf(':', partitionEnd + ':execute-api:'.length);
  const accountEnd = regionEnd < 0 ? -1 : methodArn.indexOf(':', regionEnd + 1);
  if (accountEnd < 0) return undefined;
  // The rest is `<apiId>/<stage>/<METHOD>/<path>`, and the path may itself hold colons.
  const resourceStart = accountEnd + 1;
  const apiEnd = methodArn.indexOf('/', resourceStart);
  const stageEnd = methodArn.indexOf('/', apiEnd + 1);
  const methodEnd = methodArn.indexOf('/', stageEnd + 1);
  if (apiEnd <= resourceStart || stageEnd <= apiEnd + 1 || methodEnd <= stageEnd + 1) return undefined;
  return {
    apiPrefix: methodArn.slice(0, stageEnd),
    method: methodArn.slice(stageEnd + 1, methodEnd),
    path: methodArn.slice(methodEnd),
  };
}

/** A concrete ARN a request to the route could have (parameters filled with a sample value). */
function sampleArn(apiPrefix: string, route: RouteAccess): string {
  return `${apiPrefix}/${route.method}${route.path.replace(/\{[^}]+\}/g, 'x')}`;
}

/** A caller's policy: the document API Gateway gets, and how API Gateway will decide a method ARN with it. */
export interface Policy {
  readonly document: PolicyDocument;
  readonly decide: PolicyEvaluator;
}

export interface PolicyBuilder {
  /** The policy for a caller with these (verified) groups on the API of `apiPrefix`. */
  policyFor(apiPrefix: string, groups: readonly string[]): Policy;
  /** The policy for a machine client whose (verified) token carries these scopes (short names). */
  machinePolicyFor(apiPrefix: string, scopes: readonly string[]): Policy;
}

/** Who a policy is for: which routes it grants, and how the self-check names it. */
interface Grantee {
  readonly label: string;
  grants(route: RouteAccess): boolean;
}

/**
 * A cache key for the known names a caller holds: a bit mask, or for unusually many names the names
 * themselves. Only known names can grant anything, so they alone key the cache (bounded size).
 */
function membershipKey(known: readonly string[]): (held: readonly string[]) => number | string {
  // Tagged, so a people's key can never equal a machine's (`m:…`, built in machinePolicyFor).
  if (known.length > 30) return (held) => `g:${known.filter((name) => held.includes(name)).join(',')}`;
  return (held) => {
    let mask = 0;
    for (let index = 0; index < known.length; index++) if (held.includes(known[index])) mask |= 1 << index;
    return mask;
  };
}

const MAX_API_PREFIXES = 64;

export interface PolicyBuilderOptions {
  /**
   * Policies whose listing (one resource per allowed route, with the longest ARN prefix) is larger are compressed.
   * @default COMPRESS_ABOVE_BYTES
   */
  readonly compressAboveBytes?: number;
}

export function createPolicyBuilder(
  routes: readonly RouteAccess[],
  knownGroups: readonly string[],
  options: PolicyBuilderOptions = {},
): PolicyBuilder {
  const protectedRoutes = routes.filter((route) => !isPublic(route));
  const knownScopes = scopesOf(protectedRoutes);
  // Per API prefix (nearly always one per Lambda), policies by the configured groups the caller is
  // in (people) or the known scopes it holds (machines, keyed apart by a leading `m:`). API Gateway
  // writes the prefix, one per API stage; the cap only keeps a misconfigured caller from growing
  // the map without bound.
  const byPrefix = new Map<string, Map<number | string, Policy>>();
  // The last prefix asked for: comparing a fresh string costs less than hashing it for the map.
  let lastPrefix = '';
  let lastPolicies = new Map<number | string, Policy>();
  // What compression needs of the routes whoever the caller is: built with the first policy.
  let tree: RouteTree | undefined;
  const groupKey = membershipKey(knownGroups);
  const scopeKey = membershipKey(knownScopes);

  const policiesOf = (apiPrefix: string): Map<number | string, Policy> => {
    if (apiPrefix !== lastPrefix) {
      let policies = byPrefix.get(apiPrefix);
      if (!policies) {
        if (byPrefix.size >= MAX_API_PREFIXES) byPrefix.clear();
        policies = new Map();
        byPrefix.set(apiPrefix, policies);
      }
      lastPrefix = apiPrefix;
      lastPolicies = policies;
    }
    return lastPolicies;
  };

  /** The policy cached under `key` for this API, built for `grantee` on first use. */
  const cached = (apiPrefix: string, key: number | string, grantee: () => Grantee): Policy => {
    const policies = policiesOf(apiPrefix);
    let policy = policies.get(key);
    if (!policy) {
      policy = buildPolicy(
        apiPrefix,
        protectedRoutes,
        () => (tree ??= routeTree(protectedRoutes)),
        grantee(),
        options.compressAboveBytes ?? COMPRESS_ABOVE_BYTES,
      );
      policies.set(key, policy);
    }
    return policy;
  };

  return {
    machinePolicyFor(apiPrefix, scopes) {
      return cached(apiPrefix, `m:${scopeKey(scopes)}`, () => {
        const held = knownScopes.filter((scope) => scopes.includes(scope));
        return { label: `scopes [${held.join(',')}]`, grants: (route) => grantsScopes(route, held) };
      });
    },
    policyFor(apiPrefix, groups) {
      return cached(apiPrefix, groupKey(groups), () => {
        const held = knownGroups.filter((group) => groups.includes(group));
        return { label: `groups [${held.join(',')}]`, grants: (route) => grants(route, held) };
      });
    },
  };
}

/** How many bytes of ARN prefix the compressed form's choices assume: the longest an API can have, always the same. */
const PREFIX_BYTES_FOR_CHOICES = longestApiPrefix('prod').length;

/**
 * Listing every allowed route up to COMPRESS_ABOVE_BYTES (measured with the longest ARN prefix, so
 * the choice never depends on the API's), else the compressed form (policy-compression.ts) unless
 * it fails the self-check. Either form depends on the API's prefix only through its resources'
 * shared start, so a shorter prefix never makes a larger policy than synth checked with the longest.
 */
function buildPolicy(
  apiPrefix: string,
  routes: readonly RouteAccess[],
  tree: () => RouteTree,
  grantee: Grantee,
  compressAboveBytes: number,
): Policy {
  const grants = (route: RouteAccess) => grantee.grants(route);
  // The allowed routes alone already over the threshold: no need to list them to know.
  const listedAtLeast = routes.reduce(
    (bytes, route) => (grants(route) ? bytes + PREFIX_BYTES_FOR_CHOICES + routeSuffix(route).length + 3 : bytes),
    0,
  );
  let document: PolicyDocument | undefined;
  if (listedAtLeast <= compressAboveBytes) {
    const listed = listedDocument(apiPrefix, routes, grants);
    if (bytesWithLongestPrefix(listed, apiPrefix) <= compressAboveBytes) document = listed;
  }
  if (!document) {
    const compressed = compressedDocument(apiPrefix, routes, grants, tree());
    document =
      misdecidedRoute(compilePolicy(compressed), apiPrefix, routes, grants) === undefined
        ? compressed
        : listedDocument(apiPrefix, routes, grants);
  }
  const decide = compilePolicy(document);
  const wrong = misdecidedRoute(decide, apiPrefix, routes, grants);
  if (wrong) throw new Error(`Policy for ${grantee.label} decides ${wrong.method} ${wrong.path} wrongly`);
  return { document: deepFreeze(document), decide };
}

/**
 * Small policies stay one resource per route: read at a glance, and a cold start builds no route
 * tree for them (the shipped map's largest lists ≈ 1 KB).
 */
export const COMPRESS_ABOVE_BYTES = 2048;

function bytesWithLongestPrefix(document: PolicyDocument, apiPrefix: string): number {
  const resources = document.Statement.reduce((count, { Resource }) => count + [Resource].flat().length, 0);
  return Buffer.byteLength(JSON.stringify(document)) + resources * (PREFIX_BYTES_FOR_CHOICES - apiPrefix.length);
}

/** Which routes (protected ones only: public routes never reach the authorizer) a caller may call. */
export type RouteGrants = (route: RouteAccess) => boolean;

/** One resource per allowed route. */
export function listedDocument(apiPrefix: string, routes: readonly RouteAccess[], grants: RouteGrants): PolicyDocument {
  return documentFor(apiPrefix, routes, grants, routes.filter(grants).map(routeSuffix), []);
}

/** Wildcards for subtrees a caller may call wholly, with Denies for the exceptions (policy-compression.ts). */
export function compressedDocument(
  apiPrefix: string,
  routes: readonly RouteAccess[],
  grants: RouteGrants,
  tree: RouteTree = routeTree(routes),
): PolicyDocument {
  const { allow, deny } = compressedResources(tree, grants, PREFIX_BYTES_FOR_CHOICES);
  return documentFor(apiPrefix, routes, grants, allow, deny);
}

/**
 * A document from resource suffixes, with an explicit Deny for every denied route an allowed
 * wildcard reaches: `*` spans `/`, so an allowed `/items/*` would also match a denied `/items/{id}/secret`.
 */
function documentFor(
  apiPrefix: string,
  routes: readonly RouteAccess[],
  grants: RouteGrants,
  allow: readonly string[],
  deny: readonly string[],
): PolicyDocument {
  const allowResources = allow.map((suffix) => apiPrefix + suffix);
  const allows = compilePolicy({ Statement: [statement('Allow', allowResources)] });
  const denied = new Set(deny);
  for (const route of routes)
    if (!grants(route) && allows(sampleArn(apiPrefix, route)) === 'allow') denied.add(routeSuffix(route));
  const statements: PolicyStatement[] = [];
  if (allowResources.length > 0) statements.push(statement('Allow', allowResources));
  if (allowResources.length > 0 && denied.size > 0)
    statements.push(
      statement(
        'Deny',
        [...denied].map((suffix) => apiPrefix + suffix),
      ),
    );
  if (statements.length === 0) statements.push(statement('Deny', [`${apiPrefix}/*`]));
  return { Version: '2012-10-17', Statement: statements };
}

/**
 * Built once per group set, so this self-check costs nothing per request and catches map mistakes
 * early. It checks the very evaluator the decision lines use.
 */
function misdecidedRoute(
  decide: PolicyEvaluator,
  apiPrefix: string,
  routes: readonly RouteAccess[],
  grants: RouteGrants,
): RouteAccess | undefined {
  return routes.find((route) => (decide(sampleArn(apiPrefix, route)) === 'allow') !== grants(route));
}

function statement(effect: 'Allow' | 'Deny', resources: string[]): PolicyStatement {
  return { Action: 'execute-api:Invoke', Effect: effect, Resource: resources };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
