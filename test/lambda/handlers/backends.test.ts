/** The profile, admin users and reviews handlers with API Gateway-shaped events, against a real emulator. */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { adminUsersBackend } from '../../../lambda/handlers/adminUsers';
import { profileBackend } from '../../../lambda/handlers/profile';
import { reviewsBackend } from '../../../lambda/handlers/reviews';
import { createBackend, type BackendHandler } from '../../../lambda/shared/backend';
import { backendEnv, startTestEmulator, type TestEmulator } from '../../support/emulator';
import { proxyEvent } from '../../support/proxy-event';

type Handler = BackendHandler;

let emulator: TestEmulator;
let adminUsers: Handler;
let reviews: Handler;
let profile: Handler;

const caller = { principalId: 'sub-1', sub: 'sub-1', username: 'reviewer@example.com', groups: 'user-group,reviewers-group', primaryGroup: 'reviewers-group', clientId: 'c', tokenUse: 'access' };

beforeAll(async () => {
  emulator = await startTestEmulator();
  const env = backendEnv(emulator);
  const logSink = () => undefined;
  adminUsers = createBackend(adminUsersBackend, { env, logSink });
  reviews = createBackend(reviewsBackend, { env, logSink });
  profile = createBackend(profileBackend, { env, logSink });
});
afterAll(() => emulator.stop());

const body = (result: APIGatewayProxyResult) => JSON.parse(result.body);

describe('GET /api/profile', () => {
  it('returns the caller from the authorizer context, groups as a list', async () => {
    const result = await profile(proxyEvent('GET', '/api/profile', { authorizer: caller }));
    expect([result.statusCode, body(result)]).toEqual([
      200,
      { sub: 'sub-1', username: 'reviewer@example.com', groups: ['user-group', 'reviewers-group'], primaryGroup: 'reviewers-group', clientId: 'c', tokenUse: 'access' },
    ]);
  });

  it('returns no groups and no primary group for a caller in none', async () => {
    const result = await profile(proxyEvent('GET', '/api/profile', { authorizer: { ...caller, groups: '', primaryGroup: '' } }));
    expect(body(result)).toMatchObject({ groups: [], primaryGroup: null });
  });
});

describe('admin users', () => {
  it('lists users with email, role and status', async () => {
    const result = await adminUsers(proxyEvent('GET', '/api/admin/users'));
    expect(result.statusCode).toBe(200);
    expect(body(result).users).toContainEqual({ username: 'admin@example.com', email: 'admin@example.com', role: 'admin', status: 'CONFIRMED', enabled: true });
  });

  it('deletes a user, then answers 404 for the same user', async () => {
    const remove = () => adminUsers(proxyEvent('DELETE', '/api/admin/users/{id}', { path: '/api/admin/users/nogroup@example.com', pathParameters: { id: 'nogroup@example.com' } }));
    expect((await remove()).statusCode).toBe(200);
    const again = await remove();
    expect([again.statusCode, body(again).message]).toEqual([404, 'User not found']);
  });

  it('answers a missing or malformed id with 400', async () => {
    for (const id of [undefined, '', 'a'.repeat(129), 'has space']) {
      const result = await adminUsers(proxyEvent('DELETE', '/api/admin/users/{id}', { pathParameters: id === undefined ? undefined : { id } }));
      expect(result.statusCode).toBe(400);
    }
  });
});

describe('reviews', () => {
  const valid = { title: 'Great', body: 'Worth it.', rating: 5 };

  it('creates a review (201) with the caller as author, and updates one by id (200)', async () => {
    const created = await reviews(proxyEvent('POST', '/api/reviews', { body: valid, authorizer: caller }));
    expect([created.statusCode, body(created)]).toEqual([201, expect.objectContaining({ ...valid, author: 'reviewer@example.com', id: expect.any(String) })]);
    const updated = await reviews(proxyEvent('PUT', '/api/reviews/{id}', { body: { ...valid, rating: 4 }, pathParameters: { id: 'rev-1' }, authorizer: caller }));
    expect([updated.statusCode, body(updated).id, body(updated).rating]).toEqual([200, 'rev-1', 4]);
  });

  it.each([
    ['no body', undefined],
    ['not JSON', '{'],
    ['missing title', { body: 'b', rating: 3 }],
    ['title too long', { ...valid, title: 't'.repeat(201) }],
    ['body empty', { ...valid, body: '' }],
    ['rating 0', { ...valid, rating: 0 }],
    ['rating 6', { ...valid, rating: 6 }],
    ['rating 2.5', { ...valid, rating: 2.5 }],
    ['rating as string', { ...valid, rating: '5' }],
  ])('answers %s with 400', async (_name, requestBody) => {
    expect((await reviews(proxyEvent('POST', '/api/reviews', { body: requestBody, authorizer: caller }))).statusCode).toBe(400);
  });

  it('answers an invalid review id with 400', async () => {
    const result = await reviews(proxyEvent('PUT', '/api/reviews/{id}', { body: valid, pathParameters: { id: '../etc' }, authorizer: caller }));
    expect(result.statusCode).toBe(400);
  });
});
