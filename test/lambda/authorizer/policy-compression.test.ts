/**
 * The compressed policy (wildcards for subtrees a caller may call wholly, explicit Denies for the
 * exceptions) decides every request exactly as the policy that lists one resource per allowed route,
 * both evaluated as the local gateway evaluates an authorizer's answer (lib/local/policy-evaluation.ts).
 */
import fc from 'fast-check';
import { HTTP_METHODS, type RouteAccess } from '../../../lib/contracts/access-map';
import { evaluateGatewayPolicy } from '../../../lib/local/policy-evaluation';
import {
  compressedDocument,
  createPolicyBuilder,
  listedDocument,
  type RouteGrants,
} from '../../../lambda/authorizer/policy';
import { TEN_GROUPS } from '../../../bench/tasks/policy-size';
import { generatedAccessMap } from '../../../fixtures/generated-access-map';

const PREFIX = 'arn:aws:execute-api:us-east-1:123456789012:abcdefghij/prod';
const GROUPS = ['g1', 'g2', 'g3'];
const SEGMENTS = ['a', 'b', 'c', '{id}'];
/** Parameter values, some equal to literal segments or holding characters a pattern treats specially. */
const VALUES = ['x', 'a', 'b', 'q:r', '*', 'a.b'];
const GREEDY_VALUES = ['x', 'a/b', 'c/a/x', 'b'];

const routeArb: fc.Arbitrary<RouteAccess> = fc.record({
  method: fc.constantFrom(...HTTP_METHODS),
  path: fc
    .tuple(fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 3 }), fc.boolean())
    .map(([segments, greedy]) => `/${segments.join('/')}${greedy ? '/{rest+}' : ''}`),
  access: fc.oneof(
    fc.constant('public' as const),
    fc.constant('authenticated' as const),
    fc.subarray(GROUPS, { minLength: 1 }),
  ),
});

/** Up to 40 routes, each method and path once. */
const accessMapArb = fc.uniqueArray(routeArb, {
  maxLength: 40,
  selector: (route) => `${route.method} ${route.path}`,
});

/** Every request path a route can receive with these parameter values. */
function requestPaths(route: RouteAccess): string[] {
  let paths = [''];
  for (const segment of route.path.split('/').slice(1)) {
    const values = segment.endsWith('+}') ? GREEDY_VALUES : segment.startsWith('{') ? VALUES : [segment];
    paths = paths.flatMap((path) => values.map((value) => `${path}/${value}`));
  }
  return paths;
}

/** Whether a request path is one `route` serves (a parameter takes one segment, a greedy one several). */
function serves(route: RouteAccess, path: string): boolean {
  const pattern = route.path
    .split('/')
    .map((segment) => (segment.endsWith('+}') ? '[^/]+(?:/[^/]+)*' : segment.startsWith('{') ? '[^/]+' : segment))
    .join('/');
  return new RegExp(`^${pattern.replace(/\./g, '\\.')}$`).test(path);
}

const allows = (document: { Statement: readonly unknown[] }, arn: string): boolean => {
  const { decision, unsupported } = evaluateGatewayPolicy(document, arn);
  expect(unsupported).toEqual([]);
  return decision === 'allow';
};

const grantsTo =
  (groups: readonly string[]): RouteGrants =>
  (route) =>
    route.access === 'authenticated' || (Array.isArray(route.access) && route.access.some((g) => groups.includes(g)));

/**
 * The property is CPU-bound (500 random maps: ≈ 3 s on a quiet 2-core machine, ≈ 8.5 s beside two
 * CPU burners): a machine running other suites too must slow it a long way before jest's 30 s would
 * call it failed.
 */
const PROPERTY_TIMEOUT_MS = 120_000;

it(
  'the policy the builder answers with decides every request as one resource per allowed route does, wherever that is right',
  () => {
    let compressedAnswers = 0;
    let listedWrong = 0;
    fc.assert(
      fc.property(accessMapArb, fc.subarray(GROUPS), (routes, groups) => {
        const protectedRoutes = routes.filter((route) => route.access !== 'public');
        const grants = grantsTo(groups);
        let built;
        try {
          built = createPolicyBuilder(routes, GROUPS, { compressAboveBytes: 0 }).policyFor(PREFIX, groups).document;
        } catch {
          return; // a map even the listed policy cannot decide (the builder refuses it, and so does synth)
        }
        const listed = listedDocument(PREFIX, protectedRoutes, grants);
        if (JSON.stringify(built) === JSON.stringify(compressedDocument(PREFIX, protectedRoutes, grants)))
          compressedAnswers++;
        for (const route of protectedRoutes) {
          for (const path of requestPaths(route)) {
            const arn = `${PREFIX}/${route.method}${path}`;
            const candidates = protectedRoutes.filter((other) => other.method === route.method && serves(other, path));
            // What API Gateway's routing may pick: one route, or several when a parameter takes a literal's value.
            const right = candidates.map(grants);
            // Where listing decides as a route that serves the request says, so does the answer. Listing is not
            // always right: a route's `*` for a parameter spans `/` (`PUT/*/a` for `PUT /{id}/a` also allows
            // `PUT /a/a/{id}`'s `/a/a/a`); there the answer may be right instead.
            if (right.includes(allows(listed, arn))) expect(right).toContain(allows(built, arn));
            else listedWrong++;
          }
        }
        expect(Buffer.byteLength(JSON.stringify(built))).toBeLessThanOrEqual(
          Buffer.byteLength(
            JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                ...listedDocument(PREFIX, protectedRoutes, () => true).Statement,
                { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${PREFIX}/*`] },
              ],
            }),
          ),
        );
      }),
      { numRuns: 500 },
    );
    // Most random maps get the compressed form (the rest fail its self-check and are listed).
    expect(compressedAnswers).toBeGreaterThan(250);
    expect(listedWrong).toBeLessThan(compressedAnswers);
  },
  PROPERTY_TIMEOUT_MS,
);

describe('the generated 500-route map (teams owning domains)', () => {
  const routes = generatedAccessMap(500, TEN_GROUPS);
  const builder = createPolicyBuilder(routes, TEN_GROUPS);

  it("gives a domain's owner one wildcard per method for its domain, and one for GET of each domain it may read", () => {
    const { document } = builder.policyFor(PREFIX, [TEN_GROUPS[2]]);
    expect(document.Statement).toEqual([
      {
        Action: 'execute-api:Invoke',
        Effect: 'Allow',
        Resource: [
          // readable by any valid token (every fourth domain), by the next group (domain 1), its own
          ...['0', '1', '2', '4', '8'].map((domain) => `${PREFIX}/GET/api/domain-${domain}/*`),
          ...['POST', 'PUT', 'PATCH', 'DELETE'].map((method) => `${PREFIX}/${method}/api/domain-2/*`),
        ],
      },
    ]);
  });

  it('denies the owner of a domain without the admin group the deletes kept to the owner elsewhere', () => {
    const policy = builder.policyFor(PREFIX, [TEN_GROUPS[2]]);
    expect(policy.decide(`${PREFIX}/DELETE/api/domain-2/collection-0/x`)).toBe('allow');
    expect(policy.decide(`${PREFIX}/DELETE/api/domain-1/collection-0/x`)).not.toBe('allow');
    expect(policy.decide(`${PREFIX}/GET/api/domain-1/collection-0/x`)).toBe('allow');
    expect(policy.decide(`${PREFIX}/PUT/api/domain-1/collection-0/x`)).not.toBe('allow');
  });
});
