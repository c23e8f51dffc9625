/**
 * A caller's policy in fewer resources than one per route: where a caller may call every route (or
 * every route of one method) under a literal path, one wildcard covers that subtree, with an explicit
 * Deny for each route in it the caller may not call (Deny wins in IAM). Which subtrees get a wildcard
 * is chosen per resource tree node by the fewest bytes (a small dynamic programme over the tree).
 *
 * A wildcard is used only where it decides exactly as listing would (`wildcardIsExact`). Only what
 * API Gateway evaluates matters: public routes never reach the authorizer, so a wildcard may cover
 * them. policy.ts compresses only policies whose listing exceeds 2 KB, runs its self-check on the
 * result and answers with the listed form if that check fails.
 *
 * Resources here are suffixes of the API's ARN prefix: `/<METHOD>/<path>`.
 */
import { HTTP_METHODS, routeResource, type RouteAccess } from '../../lib/contracts/access-map';
import { patternMatchesRoute } from './resource-overlap';

export interface ResourceLists {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

interface Plan extends ResourceLists {
  readonly bytes: number;
}

/** A literal path of the resource tree and the routes at or below it. */
interface TreeNode {
  readonly path: string;
  readonly segments: readonly string[];
  readonly children: Map<string, TreeNode>;
  /** Routes whose literal start ends here: the route of this path, and those with a parameter next. */
  readonly here: RouteAccess[];
  /** Every route at or below this node. */
  readonly all: RouteAccess[];
}

const EMPTY: Plan = { bytes: 0, allow: [], deny: [] };

const isParameter = (segment: string): boolean => segment.startsWith('{');

/** What a pattern or route path holds before its first wildcard (`*`, `?`) or parameter. */
const literalStart = (text: string): string => text.slice(0, text.search(/[*?{]|$/));

/** The resource of a route without the API's ARN prefix. */
export const routeSuffix = (route: RouteAccess): string => routeResource('', route);

function resourceTree(routes: readonly RouteAccess[]): TreeNode {
  const node = (path: string): TreeNode => ({
    path,
    segments: path.split('/').slice(1),
    children: new Map(),
    here: [],
    all: [],
  });
  const root = node('');
  for (const route of routes) {
    let at = root;
    at.all.push(route);
    for (const segment of route.path.split('/').slice(1)) {
      if (isParameter(segment)) break;
      let child = at.children.get(segment);
      if (!child) {
        child = node(`${at.path}/${segment}`);
        at.children.set(segment, child);
      }
      at = child;
      at.all.push(route);
    }
    at.here.push(route);
  }
  return root;
}

/**
 * Whether a request to `route` can have a path below `segments` (what `/<METHOD><path>/*` matches): a
 * parameter segment can take any literal's place, a greedy one any number of them.
 */
function mayReachBelow(route: RouteAccess, segments: readonly string[]): boolean {
  const own = route.path.split('/').slice(1);
  for (let index = 0; index < segments.length; index++) {
    const segment = own[index];
    if (segment === undefined) return false;
    if (segment.endsWith('+}')) return true;
    if (!isParameter(segment) && segment !== segments[index]) return false;
  }
  return own.length > segments.length;
}

/** What compression needs to know of an access map's routes whoever the caller is; built once per map. */
export interface RouteTree {
  readonly routes: readonly RouteAccess[];
  readonly root: TreeNode;
  /** Per route: the routes of its method whose resource (`*` for each parameter, spanning `/`) matches one of its requests. */
  readonly matchedBy: ReadonlyMap<RouteAccess, readonly RouteAccess[]>;
  /**
   * Whether a wildcard for `method` below `node` reaches only the node's subtree (no route outside it
   * can take a path below it) and no route in it has a greedy parameter.
   */
  wildcardStaysInside(node: TreeNode, method: string | undefined): boolean;
}

export function routeTree(routes: readonly RouteAccess[]): RouteTree {
  const matchedBy = new Map<RouteAccess, RouteAccess[]>();
  for (const method of HTTP_METHODS) {
    const own = routes.filter((route) => route.method === method);
    const patterns = own
      .filter((route) => route.path.includes('{'))
      .map((route) => [route, routeSuffix(route), literalStart(routeSuffix(route))] as const);
    for (const route of own) {
      const request = `/${route.method}${route.path}`;
      const literal = literalStart(request);
      matchedBy.set(
        route,
        patterns
          // Starts that differ before either's first wildcard rule a match out without walking both.
          .filter(([other, , start]) => {
            const shared = Math.min(start.length, literal.length);
            return other !== route && start.slice(0, shared) === literal.slice(0, shared);
          })
          .filter(([, pattern]) => patternMatchesRoute(pattern, request))
          .map(([other]) => other),
      );
    }
  }
  // Only a route with a parameter above a node's depth can take a path below it from outside its subtree.
  const withParameter = routes
    .map((route) => ({ route, first: route.path.split('/').slice(1).findIndex(isParameter) }))
    .filter(({ first }) => first >= 0);
  const staysInside = new Map<string, boolean>();
  const root = resourceTree(routes);
  return {
    routes,
    root,
    matchedBy,
    wildcardStaysInside(node, method) {
      const key = `${method ?? '*'} ${node.path}`;
      let stays = staysInside.get(key);
      if (stays === undefined) {
        const inside = new Set(node.all.filter((route) => method === undefined || route.method === method));
        stays =
          ![...inside].some((route) => route.path.includes('+}')) &&
          !withParameter.some(
            ({ route, first }) =>
              first < node.segments.length &&
              route.method === method &&
              !inside.has(route) &&
              mayReachBelow(route, node.segments),
          );
        staysInside.set(key, stays);
      }
      return stays;
    },
  };
}

/**
 * Allow and Deny suffixes that decide the routes as `allowed` says, in about the fewest bytes when
 * every resource is prefixed by `prefixBytes` bytes of ARN (a fixed number, so the choice does not
 * depend on the API the policy is for).
 */
export function compressedResources(
  tree: RouteTree,
  allowed: (route: RouteAccess) => boolean,
  prefixBytes: number,
): ResourceLists {
  // A resource in the JSON: the prefix, the suffix, two quotes and a comma.
  const plan = (allow: string[], deny: string[]): Plan => ({
    allow,
    deny,
    bytes: [...allow, ...deny].reduce((sum, suffix) => sum + prefixBytes + suffix.length + 3, 0),
  });
  const join = (plans: readonly Plan[]): Plan => ({
    allow: plans.flatMap((part) => part.allow),
    deny: plans.flatMap((part) => part.deny),
    bytes: plans.reduce((sum, part) => sum + part.bytes, 0),
  });
  const cheapest = (...plans: Plan[]): Plan => plans.reduce((best, next) => (next.bytes < best.bytes ? next : best));
  const listed = (list: readonly RouteAccess[]): Plan => plan(list.filter(allowed).map(routeSuffix), []);
  const deniedSuffixes = (list: readonly RouteAccess[]): string[] =>
    list.filter((route) => !allowed(route)).map(routeSuffix);
  // Allowed routes a denied route's Deny would also refuse: a wildcard must not cover them.
  const overDenied = new Set(
    tree.routes.filter((route) => allowed(route) && tree.matchedBy.get(route)?.some((other) => !allowed(other))),
  );
  const wildcardIsExact = (node: TreeNode, method?: string): boolean =>
    tree.wildcardStaysInside(node, method) &&
    !node.all.some((route) => (method === undefined || route.method === method) && overDenied.has(route));

  const methodPlans = new Map<string, Plan>();
  /** One method's routes at and below `node`: listed, or a wildcard for the subtree with Denies. */
  const methodPlan = (node: TreeNode, method: string): Plan => {
    const key = `${method} ${node.path}`;
    let chosen = methodPlans.get(key);
    if (chosen) return chosen;
    const routes = node.all.filter((route) => route.method === method);
    if (!routes.some(allowed)) chosen = EMPTY;
    else {
      const here = node.here.filter((route) => route.method === method);
      const explicit = join([listed(here), ...[...node.children.values()].map((child) => methodPlan(child, method))]);
      const own = here.find((route) => route.path === node.path);
      const wild = () =>
        plan(
          [`/${method}${node.path}/*`, ...(own !== undefined && allowed(own) ? [routeSuffix(own)] : [])],
          deniedSuffixes(routes.filter((route) => route !== own)),
        );
      chosen = wildcardIsExact(node, method) ? cheapest(explicit, wild()) : explicit;
    }
    methodPlans.set(key, chosen);
    return chosen;
  };

  // Every method: per method, or (at the root only, where `*` cannot reach into another subtree) one
  // wildcard for all. Below the root `/*<path>/*` would also match another route's `/GET/x<path>/y`.
  const perMethod = join(HTTP_METHODS.map((method) => methodPlan(tree.root, method)));
  const chosen = wildcardIsExact(tree.root)
    ? cheapest(perMethod, plan(['/*'], deniedSuffixes(tree.routes)))
    : perMethod;
  return { allow: chosen.allow, deny: [...new Set(chosen.deny)] };
}
