/**
 * POST /auth/logout through the auth Lambda as API Gateway calls it, against a real Cognito
 * emulator and a real local DynamoDB: what it verifies, what it records, what it revokes at
 * Cognito, and that a token that is revoked, expired or whose user is gone changes nothing.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { AdminDeleteUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { REFRESH_TOKEN_REQUIRED } from '../../../lambda/auth/logout';
import { authBackend } from '../../../lambda/handlers/auth';
import { createCognitoClient } from '../../../lib/clients/cognito-client';
import { createUser } from '../../../lib/cognito/users';
import { createBackend, type BackendHandler } from '../../../lambda/shared/backend';
import { createDocumentClient } from '../../../lib/clients/dynamodb-client';
import { ENV } from '../../../lib/contracts/runtime-env';
import { accessToken, expiredEmulatorToken, makeSigningKey } from '../../../fixtures/token-factory';
import { startLocalStore, type LocalStore } from '../../../fixtures/local-dynamo';
import { backendEnv, startTestEmulator, type TestEmulator } from '../../support/emulator';
import { freePort } from '../../support/local-process';
import { proxyEvent } from '../../support/proxy-event';

jest.setTimeout(30_000);

let emulator: TestEmulator;
let dynamo: LocalStore;
let auth: BackendHandler;
const logs: string[] = [];
const USER = { username: 'user@example.com', password: 'User-Passw0rd!' };

beforeAll(async () => {
  [emulator, dynamo] = await Promise.all([startTestEmulator(), startLocalStore()]);
  auth = createBackend(authBackend, { env: backendEnv(emulator, dynamo.env), logSink: (line) => logs.push(line) });
});
afterAll(() => Promise.all([emulator.stop(), dynamo.stop()]));

interface Tokens {
  readonly access_token: string;
  readonly refresh_token: string;
}

const claimsOf = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;

async function login(): Promise<Tokens> {
  const result = await auth(proxyEvent('POST', '/auth/login', { body: USER }));
  expect(result.statusCode).toBe(200);
  return JSON.parse(result.body) as Tokens;
}

const logout = (authorization: string | undefined, body?: unknown, headers: Record<string, string> = {}) =>
  auth(
    proxyEvent('POST', '/auth/logout', {
      body,
      headers: { ...(authorization === undefined ? {} : { Authorization: authorization }), ...headers },
    }),
  );
const refresh = (refreshToken: string) =>
  auth(proxyEvent('POST', '/auth/refresh', { body: { refresh_token: refreshToken } }));
const stored = async (id: string) =>
  (
    await createDocumentClient(dynamo.env).send(
      new GetCommand({ TableName: dynamo.tables.revocations, Key: { id }, ConsistentRead: true }),
    )
  ).Item;

describe('one session', () => {
  it('records the session as revoked, revokes its refresh token at Cognito, clears the cookie and says so', async () => {
    const tokens = await login();
    const result = await logout(`Bearer ${tokens.access_token}`, { refreshToken: tokens.refresh_token });
    expect([result.statusCode, JSON.parse(result.body)]).toEqual([200, { revoked: 'session' }]);
    expect(result.headers).toMatchObject({
      'Cache-Control': 'no-store',
      'Set-Cookie': 'refresh_token=; HttpOnly; Secure; SameSite=Strict; Path=/v1/auth; Max-Age=0',
    });
    // The local Cognito's tokens carry origin_jti, as Cognito's: it names the session.
    const { sub, origin_jti: sessionId } = claimsOf(tokens.access_token);
    expect(sessionId).toEqual(expect.any(String));
    expect(await stored(`session#${String(sessionId)}`)).toMatchObject({ kind: 'session', sub, sessionId });
    expect((await refresh(tokens.refresh_token)).statusCode).toBe(401);
  });

  it('needs the refresh token: without one (body or cookie) a 400 that says so, and nothing is recorded or revoked', async () => {
    const tokens = await login();
    for (const body of [undefined, {}]) {
      const result = await logout(`Bearer ${tokens.access_token}`, body);
      expect([result.statusCode, JSON.parse(result.body)]).toEqual([400, { message: REFRESH_TOKEN_REQUIRED }]);
    }
    expect(REFRESH_TOKEN_REQUIRED).toMatch(/refresh token .*refreshToken in the body, or the refresh_token cookie/);
    expect(await stored(`session#${String(claimsOf(tokens.access_token).jti)}`)).toBeUndefined();
    expect((await refresh(tokens.refresh_token)).statusCode).toBe(200);
  });

  it('takes the refresh token from the refresh cookie when the body has none (browsers), with or without a body', async () => {
    const [first, second] = [await login(), await login()];
    expect(
      (
        await logout(`Bearer ${first.access_token}`, undefined, {
          Cookie: `theme=dark; refresh_token=${first.refresh_token}`,
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await logout(`Bearer ${second.access_token}`, {}, { Cookie: `refresh_token=${second.refresh_token}` }))
        .statusCode,
    ).toBe(200);
    expect((await refresh(first.refresh_token)).statusCode).toBe(401);
    expect((await refresh(second.refresh_token)).statusCode).toBe(401);
  });

  it('leaves the user’s other sessions alone', async () => {
    const [ended, other] = [await login(), await login()];
    await logout(`Bearer ${ended.access_token}`, { refreshToken: ended.refresh_token });
    expect((await refresh(other.refresh_token)).statusCode).toBe(200);
  });
});

describe('everywhere', () => {
  it('revokes every token of the user issued before it, answers only once a fresh login is after the cut-off, and refuses the other sessions’ refreshes', async () => {
    const [a, b] = [await login(), await login()];
    const result = await logout(`Bearer ${a.access_token}`, { everywhere: true });
    const answeredAt = Date.now();
    expect([result.statusCode, JSON.parse(result.body)]).toEqual([200, { revoked: 'everywhere' }]);
    const { sub, iat } = claimsOf(b.access_token);
    const item = await stored(`user#${String(sub)}`);
    expect(item).toMatchObject({ kind: 'user', sub });
    expect(item!.revokedBefore).toBeGreaterThan(Number(iat));
    expect(answeredAt).toBeGreaterThanOrEqual(Number(item!.revokedBefore) * 1000);
    // The local Cognito signs the user out as Cognito does (GlobalSignOut): no tolerated refusal.
    expect(logs.filter((line) => line.includes('GLOBAL_SIGN_OUT_'))).toEqual([]);
    expect([(await refresh(b.refresh_token)).statusCode, (await refresh(b.refresh_token)).statusCode]).toEqual([
      401, 401,
    ]);
    const fresh = await login();
    expect(Number(claimsOf(fresh.access_token).iat)).toBeGreaterThanOrEqual(Number(item!.revokedBefore));
    expect((await refresh(fresh.refresh_token)).statusCode).toBe(200);
  });
});

describe('refusals', () => {
  const key = makeSigningKey('not-the-pool');

  it.each([
    ['no Authorization header', undefined],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['garbage', 'Bearer not.a.jwt'],
    [
      'a token signed by another key',
      () => `Bearer ${accessToken({ issuer: emulator.pool.issuer, clientId: emulator.pool.userPoolClientId, key })}`,
    ],
  ])('%s → 401 with the gateway’s body', async (_name, header) => {
    const authorization = typeof header === 'function' ? header() : header;
    const result = await logout(authorization, {});
    expect([result.statusCode, JSON.parse(result.body)]).toEqual([401, { message: 'Unauthorized' }]);
  });

  it('refuses an ID token (logout ends the session its access token names): 401 for either scope, nothing recorded', async () => {
    const tokens = JSON.parse((await auth(proxyEvent('POST', '/auth/login', { body: USER }))).body) as Tokens & {
      id_token: string;
    };
    for (const body of [{ everywhere: true }, { refreshToken: tokens.refresh_token }, {}])
      expect((await logout(`Bearer ${tokens.id_token}`, body)).statusCode).toBe(401);
    const { sub, jti } = claimsOf(tokens.id_token);
    expect(await stored(`session#${String(jti)}`)).toBeUndefined();
    expect((await refresh(tokens.refresh_token)).statusCode).toBe(200);
    expect(sub).toBe(claimsOf(tokens.access_token).sub);
  });

  it.each([
    ['everywhere that is not a boolean', { everywhere: 'yes' }],
    ['a refresh token that is not a string', { refreshToken: 5 }],
    ['a body that is not JSON', '{'],
  ])('%s → 400', async (_name, body) => {
    const tokens = await login();
    expect((await logout(`Bearer ${tokens.access_token}`, body)).statusCode).toBe(400);
  });

  it('refuses a body of another type (415), like every JSON route', async () => {
    const tokens = await login();
    const result = await auth(
      proxyEvent('POST', '/auth/logout', {
        body: 'everywhere=true',
        contentType: 'application/x-www-form-urlencoded',
        headers: { Authorization: `Bearer ${tokens.access_token}` },
      }),
    );
    expect(result.statusCode).toBe(415);
  });

  it('answers 502 (never 500) when the revocation store is down, and says the session is not revoked yet', async () => {
    const down = createBackend(authBackend, {
      env: backendEnv(emulator, { ...dynamo.env, [ENV.dynamodbEndpoint]: `http://127.0.0.1:${await freePort()}` }),
      logSink: () => undefined,
    });
    const tokens = await login();
    const result = await down(
      proxyEvent('POST', '/auth/logout', {
        body: { refreshToken: tokens.refresh_token },
        headers: { Authorization: `Bearer ${tokens.access_token}` },
      }),
    );
    expect([result.statusCode, JSON.parse(result.body)]).toEqual([
      502,
      { message: 'Revocation store unavailable: the session is not revoked yet, retry' },
    ]);
    expect((await refresh(tokens.refresh_token)).statusCode).toBe(200);
  });
});

describe('a token that is revoked, expired or whose user is gone changes nothing: 401, nothing recorded or revoked', () => {
  const everywhere = { everywhere: true };
  /** The user's cut-off and the session's item as stored. */
  const records = async (tokens: Tokens) => {
    const { sub, jti } = claimsOf(tokens.access_token);
    return [await stored(`user#${String(sub)}`), await stored(`session#${String(jti)}`)];
  };

  it('a logged-out (stolen) access token can neither log out again nor sign its user out everywhere', async () => {
    const stolen = await login();
    expect((await logout(`Bearer ${stolen.access_token}`, { refreshToken: stolen.refresh_token })).statusCode).toBe(
      200,
    );
    const victim = await login();
    const before = await records(stolen);
    for (const body of [everywhere, { refreshToken: victim.refresh_token }]) {
      const result = await logout(`Bearer ${stolen.access_token}`, body);
      expect([result.statusCode, JSON.parse(result.body)]).toEqual([401, { message: 'Unauthorized' }]);
      const audit = logs.map((line) => JSON.parse(line) as Record<string, unknown>).at(-1);
      expect(audit).toMatchObject({ message: 'audit', action: 'logout', status: 401, reason: 'TOKEN_REVOKED' });
    }
    expect(await records(stolen)).toEqual(before);
    expect((await refresh(victim.refresh_token)).statusCode).toBe(200);
  });

  it('an access token issued before its user signed out everywhere is refused too', async () => {
    const [old, current] = [await login(), await login()];
    expect((await logout(`Bearer ${current.access_token}`, everywhere)).statusCode).toBe(200);
    const fresh = await login();
    const before = await records(old);
    expect((await logout(`Bearer ${old.access_token}`, everywhere)).statusCode).toBe(401);
    expect(await records(old)).toEqual(before);
    expect((await refresh(fresh.refresh_token)).statusCode).toBe(200);
  });

  it('a deleted user’s access token (deleted outside the API: nothing in the store)', async () => {
    const cognito = createCognitoClient({ [ENV.cognitoEndpoint]: emulator.endpoint }, 'us-east-1');
    const gone = { email: 'gone@example.com', password: 'Gone-Passw0rd!' };
    await createUser(cognito, emulator.pool.userPoolId, { ...gone, groups: ['user-group'] });
    const tokens = JSON.parse(
      (await auth(proxyEvent('POST', '/auth/login', { body: { username: gone.email, password: gone.password } }))).body,
    ) as Tokens;
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId: emulator.pool.userPoolId, Username: gone.email }));
    cognito.destroy();
    for (const body of [everywhere, { refreshToken: tokens.refresh_token }])
      expect((await logout(`Bearer ${tokens.access_token}`, body)).statusCode).toBe(401);
    expect(await records(tokens)).toEqual([undefined, undefined]);
  });

  it.each(['access', 'id'] as const)('an expired %s token signed by the emulator’s own key', async (tokenUse) => {
    const tokens = await login();
    const pool = { issuer: emulator.pool.issuer, clientId: emulator.pool.userPoolClientId };
    const expired = expiredEmulatorToken(pool, claimsOf(tokens.access_token), tokenUse);
    const before = await records(tokens);
    for (const body of [everywhere, { refreshToken: tokens.refresh_token }])
      expect((await logout(`Bearer ${expired}`, body)).statusCode).toBe(401);
    expect(await records(tokens)).toEqual(before);
    expect((await refresh(tokens.refresh_token)).statusCode).toBe(200);
  });
});

it('writes one audit line per logout, with the user and the outcome, and never a token', async () => {
  const from = logs.length;
  const tokens = await login();
  await logout(`Bearer ${tokens.access_token}`, { refreshToken: tokens.refresh_token });
  const audits = logs
    .slice(from)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.message === 'audit' && line.action === 'logout');
  expect(audits).toEqual([
    expect.objectContaining({
      actor: claimsOf(tokens.access_token).sub,
      target: USER.username,
      result: 'success',
      status: 200,
      reason: 'SESSION_REVOKED',
    }),
  ]);
  expect(logs.join('\n')).not.toContain(tokens.access_token.split('.')[2]);
  expect(logs.join('\n')).not.toContain(tokens.refresh_token.split('.')[2]);
});
