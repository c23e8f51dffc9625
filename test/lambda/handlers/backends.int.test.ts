/** The profile and admin users handlers with API Gateway-shaped events, against a real emulator (reviews: reviews.int.test.ts). */
import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createAdminDeletionLock } from '../../../lambda/admin/admin-deletion-lock';
import { adminUsersBackend } from '../../../lambda/handlers/adminUsers';
import { createCognitoClient } from '../../../lib/clients/cognito-client';
import { createDocumentClient } from '../../../lib/clients/dynamodb-client';
import { createUser } from '../../../lib/cognito/users';
import { profileBackend } from '../../../lambda/handlers/profile';
import { createBackend, type BackendHandler } from '../../../lambda/shared/backend';
import { revocationStoreFromEnv } from '../../../lambda/revocation/store';
import { ENV } from '../../../lib/contracts/runtime-env';
import { startLocalStore, type LocalStore } from '../../../fixtures/local-dynamo';
import { backendEnv, startTestEmulator, type TestEmulator } from '../../support/emulator';
import { freePort } from '../../support/local-process';
import { proxyEvent } from '../../support/proxy-event';

type Handler = BackendHandler;

let emulator: TestEmulator;
let dynamo: LocalStore;
let adminUsers: Handler;
let profile: Handler;

const caller = {
  principalId: 'sub-1',
  sub: 'sub-1',
  username: 'reviewer@example.com',
  groups: 'user-group,reviewers-group',
  primaryGroup: 'reviewers-group',
  clientId: 'c',
  tokenUse: 'access',
};

const logs: string[] = [];
/** The admin's identity as the authorizer passes it on: the real `sub` of the emulator's admin user. */
let admin: Record<string, string>;

beforeAll(async () => {
  [emulator, dynamo] = await Promise.all([startTestEmulator(), startLocalStore()]);
  const env = backendEnv(emulator, dynamo.env);
  const logSink = () => undefined;
  adminUsers = createBackend(adminUsersBackend, { env, logSink: (line) => logs.push(line) });
  const cognito = new CognitoIdentityProviderClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  const user = await cognito.send(
    new AdminGetUserCommand({ UserPoolId: emulator.pool.userPoolId, Username: 'admin@example.com' }),
  );
  cognito.destroy();
  const sub = user.UserAttributes!.find((attribute) => attribute.Name === 'sub')!.Value!;
  admin = {
    principalId: sub,
    sub,
    username: user.Username!,
    groups: 'admin-group',
    primaryGroup: 'admin-group',
    clientId: 'c',
    tokenUse: 'access',
  };
  profile = createBackend(profileBackend, { env, logSink });
});
afterAll(() => Promise.all([emulator.stop(), dynamo.stop()]));

const body = (result: APIGatewayProxyResult) => JSON.parse(result.body);

describe('GET /api/profile', () => {
  it('returns the caller from the authorizer context, groups as a list', async () => {
    const result = await profile(proxyEvent('GET', '/api/profile', { authorizer: caller }));
    expect([result.statusCode, body(result)]).toEqual([
      200,
      {
        sub: 'sub-1',
        username: 'reviewer@example.com',
        groups: ['user-group', 'reviewers-group'],
        primaryGroup: 'reviewers-group',
        clientId: 'c',
        tokenUse: 'access',
      },
    ]);
  });

  it('returns no groups and no primary group for a caller in none', async () => {
    const result = await profile(
      proxyEvent('GET', '/api/profile', { authorizer: { ...caller, groups: '', primaryGroup: '' } }),
    );
    expect(body(result)).toMatchObject({ groups: [], primaryGroup: null });
  });
});

describe('admin users', () => {
  const auditLines = (from: number) =>
    logs
      .slice(from)
      .map((line) => JSON.parse(line))
      .filter((line) => line.message === 'audit');
  /** `null`: no authorizer context at all. */
  const remove = (id: string, caller: Record<string, string> | null = admin) =>
    adminUsers(
      proxyEvent('DELETE', '/api/admin/users/{id}', {
        path: `/api/admin/users/${id}`,
        pathParameters: { id },
        authorizer: caller ?? undefined,
      }),
    );

  it('lists users with email, role and status, and audits who listed them', async () => {
    const from = logs.length;
    const result = await adminUsers(proxyEvent('GET', '/api/admin/users', { authorizer: admin }));
    expect(result.statusCode).toBe(200);
    expect(body(result).users).toContainEqual({
      username: 'admin@example.com',
      email: 'admin@example.com',
      role: 'admin',
      status: 'CONFIRMED',
      enabled: true,
    });
    expect(auditLines(from)).toEqual([
      expect.objectContaining({
        action: 'admin.list_users',
        actor: admin.sub,
        target: '*',
        result: 'success',
        status: 200,
      }),
    ]);
  });

  it('deletes a user, then answers 404 for the same user; each attempt is audited with actor and target', async () => {
    const from = logs.length;
    expect((await remove('nogroup@example.com')).statusCode).toBe(200);
    const again = await remove('nogroup@example.com');
    expect([again.statusCode, body(again).message]).toEqual([404, 'User not found']);
    expect(auditLines(from)).toEqual([
      expect.objectContaining({
        level: 'INFO',
        action: 'admin.delete_user',
        actor: admin.sub,
        target: 'nogroup@example.com',
        result: 'success',
        status: 200,
      }),
      expect.objectContaining({
        level: 'WARN',
        action: 'admin.delete_user',
        actor: admin.sub,
        target: 'nogroup@example.com',
        result: 'rejected',
        status: 404,
        reason: 'NOT_FOUND',
      }),
    ]);
  });

  it('records every token of the deleted user as revoked (by sub, looked up before the delete) before it answers', async () => {
    const cognito = new CognitoIdentityProviderClient({
      endpoint: emulator.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    const user = await cognito.send(
      new AdminGetUserCommand({ UserPoolId: emulator.pool.userPoolId, Username: 'multi@example.com' }),
    );
    cognito.destroy();
    const sub = user.UserAttributes!.find((attribute) => attribute.Name === 'sub')!.Value!;
    expect((await remove('multi@example.com')).statusCode).toBe(200);
    const revocations = revocationStoreFromEnv({
      ...dynamo.env,
      [ENV.revocationRetentionSeconds]: '3605',
      [ENV.revocationUserRetentionSeconds]: '2592005',
    });
    // Every token the user still holds: the cut-off lies beyond the end of any token's life.
    expect(await revocations.userRevokedBefore(sub)).toBeGreaterThan(Date.now() / 1000 + 3600);
  });

  it('deletes nobody when the revocation store cannot record the revocation (502, retry), never a 500', async () => {
    const down = createBackend(adminUsersBackend, {
      env: backendEnv(emulator, { ...dynamo.env, [ENV.dynamodbEndpoint]: `http://127.0.0.1:${await freePort()}` }),
      logSink: () => undefined,
    });
    const result = await down(
      proxyEvent('DELETE', '/api/admin/users/{id}', {
        pathParameters: { id: 'reviewer@example.com' },
        authorizer: admin,
      }),
    );
    expect([result.statusCode, body(result).message]).toEqual([
      502,
      'Revocation store unavailable: the user was not deleted, retry',
    ]);
    const users = body(await adminUsers(proxyEvent('GET', '/api/admin/users', { authorizer: admin }))).users;
    expect(users).toContainEqual(expect.objectContaining({ username: 'reviewer@example.com' }));
  });

  it('refuses an admin deleting their own account (400), found by sub whatever the context’s username says', async () => {
    const from = logs.length;
    for (const caller of [admin, { ...admin, username: 'someone-else' }, { ...admin, username: '' }]) {
      const result = await remove('admin@example.com', caller);
      expect([result.statusCode, body(result).message]).toEqual([
        400,
        'An admin cannot delete their own account through the API: ask another admin',
      ]);
    }
    expect(auditLines(from)).toEqual(
      Array(3).fill(
        expect.objectContaining({
          action: 'admin.delete_user',
          actor: admin.sub,
          target: 'admin@example.com',
          result: 'rejected',
          reason: 'SELF_DELETE',
        }),
      ),
    );
    const users = body(await adminUsers(proxyEvent('GET', '/api/admin/users', { authorizer: admin }))).users;
    expect(users).toContainEqual(expect.objectContaining({ username: 'admin@example.com' }));
  });

  describe('admin-group never left without a member', () => {
    const cognitoClient = () => createCognitoClient({ [ENV.cognitoEndpoint]: emulator.endpoint }, 'us-east-1');
    /** A caller the authorizer let through as an admin (its token says admin-group), who is not a member now. */
    const formerAdmin = { ...admin, principalId: 'former-admin', sub: 'former-admin', username: 'former@example.com' };

    it('refuses to delete the last member (409 with a message), deletes nothing and audits LAST_ADMIN', async () => {
      const from = logs.length;
      const result = await remove('admin@example.com', { ...formerAdmin });
      expect([result.statusCode, body(result).message]).toEqual([
        409,
        'Deleting admin@example.com would leave admin-group without a member: add another admin first',
      ]);
      expect(auditLines(from)).toEqual([expect.objectContaining({ status: 409, reason: 'LAST_ADMIN' })]);
      const users = body(await adminUsers(proxyEvent('GET', '/api/admin/users', { authorizer: admin }))).users;
      expect(users).toContainEqual(expect.objectContaining({ username: 'admin@example.com' }));
    });

    it('refuses an admin deletion while another one holds the lock (409, retry), and takes it once given back', async () => {
      const cognito = cognitoClient();
      await createUser(cognito, emulator.pool.userPoolId, {
        email: 'second-admin@example.com',
        password: 'Second-Passw0rd!',
        groups: ['admin-group'],
      });
      cognito.destroy();
      const lock = createAdminDeletionLock({
        client: createDocumentClient(dynamo.env),
        tableName: dynamo.tables.revocations,
      });
      let release!: () => void;
      const holding = new Promise<void>((resolve) => (release = resolve));
      let held!: () => void;
      const taken = new Promise<void>((resolve) => (held = resolve));
      const other = lock.whileHeld(async () => {
        held();
        await holding;
      });
      await taken;
      const busy = await remove('second-admin@example.com');
      expect([busy.statusCode, body(busy).message]).toEqual([
        409,
        'Another admin is being deleted right now: second-admin@example.com was not deleted, retry in a moment',
      ]);
      // A user outside admin-group needs no lock.
      expect((await remove('user@example.com')).statusCode).toBe(200);
      release();
      await other;
      expect((await remove('second-admin@example.com')).statusCode).toBe(200);
    });
  });

  it('refuses to act without a caller identity from the authorizer (403), and audits it', async () => {
    const from = logs.length;
    expect((await remove('user@example.com', null)).statusCode).toBe(403);
    expect((await adminUsers(proxyEvent('GET', '/api/admin/users'))).statusCode).toBe(403);
    expect(auditLines(from).map((line) => [line.actor, line.reason])).toEqual([
      ['anonymous', 'CALLER_UNKNOWN'],
      ['anonymous', 'CALLER_UNKNOWN'],
    ]);
  });

  it('answers a missing or malformed id with 400', async () => {
    for (const id of [undefined, '', 'a'.repeat(129), 'has space']) {
      const result = await adminUsers(
        proxyEvent('DELETE', '/api/admin/users/{id}', {
          pathParameters: id === undefined ? undefined : { id },
          authorizer: admin,
        }),
      );
      expect(result.statusCode).toBe(400);
    }
  });
});
