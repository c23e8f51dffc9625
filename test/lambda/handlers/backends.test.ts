/** The profile and admin users handlers with API Gateway-shaped events, against a real emulator (reviews: reviews.test.ts). */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { adminUsersBackend } from '../../../lambda/handlers/adminUsers';
import { profileBackend } from '../../../lambda/handlers/profile';
import { createBackend, type BackendHandler } from '../../../lambda/shared/backend';
import { backendEnv, startTestEmulator, type TestEmulator } from '../../support/emulator';
import { proxyEvent } from '../../support/proxy-event';

type Handler = BackendHandler;

let emulator: TestEmulator;
let adminUsers: Handler;
let profile: Handler;

const caller = { principalId: 'sub-1', sub: 'sub-1', username: 'reviewer@example.com', groups: 'user-group,reviewers-group', primaryGroup: 'reviewers-group', clientId: 'c', tokenUse: 'access' };

beforeAll(async () => {
  emulator = await startTestEmulator();
  const env = backendEnv(emulator);
  const logSink = () => undefined;
  adminUsers = createBackend(adminUsersBackend, { env, logSink });
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
