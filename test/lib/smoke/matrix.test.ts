/** What the smoke run expects per caller and route, the requests it sends, and its table. */
import { accessMap, type Route } from '../../../lib/contracts/access-map';
import {
  callOrder,
  expectationFor,
  harmlessRequest,
  matches,
  renderTable,
  type Caller,
} from '../../../lib/smoke/matrix';
import { planUsers } from '../../../lib/smoke/temporary-users';

const route = (method: Route['method'], path: string): Route =>
  accessMap.find((candidate) => candidate.method === method && candidate.path === path)!;
const user = (...groups: string[]): Caller => ({ kind: 'user', label: groups.join(',') || '(no group)', groups });

it('expects what the access map says, per caller', () => {
  const deleteUser = route('DELETE', '/api/admin/users/{id}');
  expect(expectationFor(deleteUser, user('admin-group'))).toBe('allowed');
  expect(expectationFor(deleteUser, user('reviewers-group', 'user-group'))).toBe('forbidden');
  expect(expectationFor(route('GET', '/api/profile'), user())).toBe('allowed');
  expect(expectationFor(route('GET', '/api/profile'), { kind: 'garbage-token', label: 'g' })).toBe('unauthorized');
  expect(expectationFor(route('POST', '/auth/login'), { kind: 'no-token', label: 'n' })).toBe('reachable');
});

it('expects logout (public, but the handler checks the token) to refuse callers without a valid token and to answer users, called last', () => {
  const logout = route('POST', '/auth/logout');
  expect(expectationFor(logout, { kind: 'no-token', label: 'n' })).toBe('unauthorized');
  expect(expectationFor(logout, { kind: 'garbage-token', label: 'g' })).toBe('unauthorized');
  expect(expectationFor(logout, user('user-group'))).toBe('reachable');
  const order = callOrder(accessMap);
  expect([...order].sort((a, b) => a - b)).toEqual(accessMap.map((_, index) => index));
  expect(accessMap[order.at(-1)!]).toBe(logout);
});

it.each([
  ['allowed', [200, 201, 400, 404], [401, 403, 500, 502]],
  ['forbidden', [403], [200, 401, 404, 500]],
  ['unauthorized', [401], [200, 403, 500]],
  ['reachable', [200, 400, 404], [401, 403, 500]],
] as const)('%s matches %j and nothing like %j', (expectation, good, bad) => {
  for (const status of good) expect(matches(expectation, status)).toBe(true);
  for (const status of bad) expect(matches(expectation, status)).toBe(false);
});

it('asks without changing anything: parameters name nothing, bodies are {}', () => {
  expect(harmlessRequest(route('DELETE', '/api/admin/users/{id}'), 'smoke-1-nothing')).toEqual({
    path: '/api/admin/users/smoke-1-nothing',
  });
  expect(harmlessRequest(route('PUT', '/api/reviews/{id}'), 'smoke-1-nothing')).toEqual({
    path: '/api/reviews/smoke-1-nothing',
    body: {},
  });
  expect(harmlessRequest(route('GET', '/api/admin/users'), 'x')).toEqual({ path: '/api/admin/users' });
});

it('prints one row per caller and marks what differs', () => {
  const table = renderTable(
    [user('admin-group'), { kind: 'no-token', label: '(no token)' }],
    ['sign in', 'GET /api/profile'],
    [
      [
        { expected: 'allowed', outcome: 200, matched: true },
        { expected: 'allowed', outcome: 500, matched: false },
      ],
      [undefined, { expected: 'unauthorized', outcome: 401, matched: true }],
    ],
  );
  expect(table.split('\n')).toEqual([
    'caller       sign in  GET /api/profile',
    'admin-group  200 ✓    500 ✗ want allowed',
    '(no token)   -        401 ✓',
  ]);
});

it('plans one user per group and one in none, with distinct strong passwords', () => {
  const users = planUsers(['admin-group', 'user-group'], 'ab12');
  expect(users.map(({ label, username, groups }) => ({ label, username, groups }))).toEqual([
    { label: 'admin-group', username: 'smoke-ab12-0@example.com', groups: ['admin-group'] },
    { label: 'user-group', username: 'smoke-ab12-1@example.com', groups: ['user-group'] },
    { label: '(no group)', username: 'smoke-ab12-2@example.com', groups: [] },
  ]);
  for (const { password } of users)
    expect(password).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[^A-Za-z0-9]).{32,}$/);
  expect(new Set(users.map((candidate) => candidate.password)).size).toBe(users.length);
});

describe('the machine column', () => {
  const machine = (...scopes: string[]): Caller => ({ kind: 'machine', label: '(machine)', scopes });

  it('expects exactly the routes listing one of its scopes, 403 on every other protected route', () => {
    const reader = machine('reviews.read');
    const expected = accessMap.map((candidate) => [
      `${candidate.method} ${candidate.path}`,
      expectationFor(candidate, reader),
    ]);
    expect(Object.fromEntries(expected)).toEqual({
      'POST /auth/login': 'reachable',
      'POST /auth/refresh': 'reachable',
      'POST /auth/token': 'reachable',
      'POST /auth/logout': 'unauthorized', // the handler accepts a person's token only
      'GET /api/profile': 'forbidden',
      'GET /api/admin/users': 'forbidden',
      'DELETE /api/admin/users/{id}': 'forbidden',
      'POST /api/admin/clients/{id}/revoke': 'forbidden',
      'POST /api/reviews': 'forbidden',
      'PUT /api/reviews/{id}': 'forbidden',
      'GET /api/reviews': 'allowed',
      'GET /api/reviews/{id}': 'allowed',
    });
  });

  it('a writer may create and update, a client with no known scope gets nothing', () => {
    expect(expectationFor(route('PUT', '/api/reviews/{id}'), machine('reviews.write'))).toBe('allowed');
    expect(expectationFor(route('GET', '/api/reviews'), machine('reviews.write'))).toBe('forbidden');
    expect(expectationFor(route('GET', '/api/reviews'), machine('reviews.readx'))).toBe('forbidden');
  });
});
