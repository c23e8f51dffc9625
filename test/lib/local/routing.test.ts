/** Request targets and the resource tree, taken literally as API Gateway takes them. */
import { accessMap } from '../../../lib/contracts/access-map';
import { isResource, parseRequestTarget, resourcePaths } from '../../../lib/local/routing';

it.each([
  ['/api/profile', '/api/profile', []],
  [
    '/api/profile?a=1&a=2&b=%20x',
    '/api/profile',
    [
      ['a', '1'],
      ['a', '2'],
      ['b', ' x'],
    ],
  ],
  ['//evil.com/api/profile', '//evil.com/api/profile', []],
  ['/api/./profile', '/api/./profile', []],
])('takes %s as path %s', (raw, path, query) => {
  const target = parseRequestTarget(raw);
  expect([target?.path, [...(target?.query ?? [])]]).toEqual([path, query]);
});

it.each(['http://evil.com/api/profile', 'evil.com:443', '*', '', undefined])('routes no %s target', (raw) => {
  expect(parseRequestTarget(raw)).toBeUndefined();
});

it('builds the resource tree: the root, every route and every prefix', () => {
  expect(resourcePaths(accessMap).sort()).toEqual(
    [
      '/',
      '/api',
      '/api/admin',
      '/api/admin/clients',
      '/api/admin/clients/{id}',
      '/api/admin/clients/{id}/revoke',
      '/api/admin/users',
      '/api/admin/users/{id}',
      '/api/profile',
      '/api/reviews',
      '/api/reviews/{id}',
      '/auth',
      '/auth/login',
      '/auth/logout',
      '/auth/refresh',
      '/auth/token',
    ].sort(),
  );
  const resources = resourcePaths(accessMap);
  expect(['/', '/api', '/api/admin/users/x%20y'].map((path) => isResource(resources, path))).toEqual([
    true,
    true,
    true,
  ]);
  expect(['/api/', '//api', '/api/admin/users/a/b', '/nope'].map((path) => isResource(resources, path))).toEqual([
    false,
    false,
    false,
    false,
  ]);
});
