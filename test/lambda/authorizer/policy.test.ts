import type { Route } from '../../../lib/contracts/access-map';
import { evaluatePolicy } from '../../../lambda/authorizer/iam-policy';
import { createPolicyBuilder, parseMethodArn, type Policy } from '../../../lambda/authorizer/policy';

/** The policy's own decision, checked against evaluating its document (what the local gateway does). */
function decided(policy: Policy, methodArn: string): string {
  const decision = policy.decide(methodArn);
  expect(evaluatePolicy(policy.document, methodArn)).toBe(decision);
  return decision;
}

describe('parseMethodArn', () => {
  it.each([
    [
      'arn:aws:execute-api:us-east-1:123456789012:abc/v1/GET/api/profile',
      { apiPrefix: 'arn:aws:execute-api:us-east-1:123456789012:abc/v1', method: 'GET', path: '/api/profile' },
    ],
    [
      'arn:aws-cn:execute-api:cn-north-1:1:abc/prod/DELETE/api/admin/users/x',
      { apiPrefix: 'arn:aws-cn:execute-api:cn-north-1:1:abc/prod', method: 'DELETE', path: '/api/admin/users/x' },
    ],
    [
      'arn:aws:execute-api:us-east-1:1:abc/v1/DELETE/api/admin/users/urn:a:b',
      { apiPrefix: 'arn:aws:execute-api:us-east-1:1:abc/v1', method: 'DELETE', path: '/api/admin/users/urn:a:b' },
    ],
    [
      'arn:aws:execute-api:us-east-1:1:abc/v1/GET/',
      { apiPrefix: 'arn:aws:execute-api:us-east-1:1:abc/v1', method: 'GET', path: '/' },
    ],
  ])('splits %s', (arn, parts) => {
    expect(parseMethodArn(arn)).toEqual(parts);
  });

  it.each([
    undefined,
    42,
    '',
    'not-an-arn',
    'arn:aws:lambda:us-east-1:1:function/x/GET/a',
    'arn:aws:execute-api:us-east-1:1:abc',
    'arn:aws:execute-api:us-east-1:1:abc/v1',
    'arn:aws:execute-api:us-east-1:1:abc//GET/a',
    'arn:aws:execute-api:us-east-1:1:/v1/GET/a',
  ])('rejects %p', (arn) => {
    expect(parseMethodArn(arn)).toBeUndefined();
  });
});

describe('policies for a map where a wildcard reaches further than its route', () => {
  // `*` spans `/`: the user route's resource `/items/*` also matches `/items/{id}/secret`.
  const routes: Route[] = [
    { method: 'GET', path: '/items/{id}', access: 'authenticated', handler: 'profile' },
    { method: 'GET', path: '/items/{id}/secret', access: ['admin-group'], handler: 'adminUsers' },
  ];
  const prefix = 'arn:aws:execute-api:us-east-1:1:abc/v1';
  const builder = createPolicyBuilder(routes, ['admin-group', 'user-group']);

  it('denies the deeper route explicitly to callers who may not call it', () => {
    const policy = builder.policyFor(prefix, ['user-group']);
    expect(decided(policy, `${prefix}/GET/items/42`)).toBe('allow');
    expect(decided(policy, `${prefix}/GET/items/42/secret`)).toBe('explicit-deny');
  });

  it('allows both to a caller who may call both', () => {
    const policy = builder.policyFor(prefix, ['admin-group']);
    expect(decided(policy, `${prefix}/GET/items/42`)).toBe('allow');
    expect(decided(policy, `${prefix}/GET/items/42/secret`)).toBe('allow');
  });

  it('builds one policy per API and group set, whatever else the token carries', () => {
    expect(builder.policyFor(prefix, ['user-group', 'unknown', '*'])).toBe(builder.policyFor(prefix, ['user-group']));
    expect(builder.policyFor(`${prefix}x`, ['user-group'])).not.toBe(builder.policyFor(prefix, ['user-group']));
  });
});

describe.each([3, 31, 40])('policy cache with %i configured groups', (groupCount) => {
  // Up to 30 groups key the cache by a bit mask, more by their names: both must keep group sets apart.
  const groups = Array.from({ length: groupCount }, (_, index) => `group-${index}`);
  const last = groups[groupCount - 1];
  // Route types know only the project's three groups; the builder itself takes any configured list.
  const routes = groups.map((group, index) => ({
    method: 'GET',
    path: `/g/${index}`,
    access: [group],
    handler: 'profile',
  })) as unknown as Route[];
  const prefix = 'arn:aws:execute-api:us-east-1:1:abc/v1';
  const builder = createPolicyBuilder(routes, groups);

  it('gives each group set exactly its routes', () => {
    const firstAndLast = builder.policyFor(prefix, ['group-0', last]);
    const lastOnly = builder.policyFor(prefix, [last]);
    const none = builder.policyFor(prefix, []);
    expect(decided(firstAndLast, `${prefix}/GET/g/0`)).toBe('allow');
    expect(decided(firstAndLast, `${prefix}/GET/g/${groupCount - 1}`)).toBe('allow');
    expect(decided(lastOnly, `${prefix}/GET/g/0`)).not.toBe('allow');
    expect(decided(lastOnly, `${prefix}/GET/g/${groupCount - 1}`)).toBe('allow');
    expect(decided(none, `${prefix}/GET/g/${groupCount - 1}`)).not.toBe('allow');
  });

  it('reuses the policy of a group set, in any order', () => {
    expect(builder.policyFor(prefix, [last, 'group-0'])).toBe(builder.policyFor(prefix, ['group-0', last]));
  });
});
