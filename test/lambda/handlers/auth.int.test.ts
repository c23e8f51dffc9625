/**
 * The auth handler against a real Cognito emulator, and its Hosted UI code exchange against
 * real HTTP token endpoints (the emulator's, and small local servers answering as Cognito does
 * when it fails). Log lines are captured to prove nothing secret is written.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authBackend } from '../../../lambda/handlers/auth';
import { createBackend, type BackendHandler } from '../../../lambda/shared/backend';
import type { ProxyResult } from '../../../lambda/shared/http';
import { challengeFor, createVerifier } from '../../../lib/cli/pkce';
import { configFor } from '../../../lib/config/app-config';
import { startLocalStore, type LocalStore } from '../../../fixtures/local-dynamo';
import { backendEnv, startTestEmulator, type TestEmulator } from '../../support/emulator';
import { proxyEvent } from '../../support/proxy-event';

type Handler = BackendHandler;

const config = configFor('dev');
const REDIRECT = config.hostedUi.callbackUrls[0];
const ADMIN = { username: 'admin@example.com', password: 'Admin-Passw0rd!' };
let emulator: TestEmulator;
let dynamo: LocalStore;
let auth: Handler;
/** The auth function's environment: the emulator, and the local DynamoDB with the revocation store. */
const authEnv = (extra: Record<string, string> = {}) => backendEnv(emulator, { ...dynamo.env, ...extra });
const logs: string[] = [];
const servers: Server[] = [];

/** Creates the handler as its Lambda module does, from an explicit environment; log lines are kept. */
function loadHandler(env: Record<string, string>): Handler {
  return createBackend(authBackend, { env, logSink: (line) => logs.push(line) });
}

/** A local server answering the token endpoint with a fixed status and body (or never). */
async function tokenEndpoint(status: number, body: unknown): Promise<string> {
  const server = createServer((_request, response) => {
    response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`;
}

beforeAll(async () => {
  [emulator, dynamo] = await Promise.all([startTestEmulator(), startLocalStore()]);
  auth = loadHandler(authEnv());
});
afterAll(async () => {
  servers.forEach((server) => server.close());
  await Promise.all([emulator.stop(), dynamo.stop()]);
});

const post = (resource: string, body?: unknown, headers?: Record<string, string>) =>
  auth(proxyEvent('POST', resource, { body, headers }));
const status = async (result: Promise<ProxyResult>) => (await result).statusCode;

/** The audit lines written since `from` (an index into `logs`). */
const auditLines = (from: number) =>
  logs
    .slice(from)
    .map((line) => JSON.parse(line))
    .filter((line) => line.message === 'audit');

describe('POST /auth/login', () => {
  it('returns the tokens under their RFC 6749 names, never to be cached', async () => {
    const result = await post('/auth/login', ADMIN);
    expect(result.statusCode).toBe(200);
    const tokens = JSON.parse(result.body);
    expect(Object.keys(tokens).sort()).toEqual([
      'access_token',
      'expires_in',
      'id_token',
      'refresh_token',
      'token_type',
    ]);
    expect(tokens).toMatchObject({
      access_token: expect.stringMatching(/^ey/),
      id_token: expect.stringMatching(/^ey/),
      refresh_token: expect.any(String),
      token_type: 'Bearer',
    });
    expect(tokens.expires_in).toBeGreaterThan(config.tokens.accessTokenMinutes * 60 - 60);
    expect(tokens.expires_in).toBeLessThanOrEqual(config.tokens.accessTokenMinutes * 60);
    expect(result.headers).toMatchObject({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  });

  it('writes one audit line saying who logged in (sub and username), and one for a failed attempt', async () => {
    const from = logs.length;
    const { access_token: accessToken } = JSON.parse((await post('/auth/login', ADMIN)).body);
    await post('/auth/login', { ...ADMIN, password: 'Wrong-Passw0rd!' });
    const sub = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()).sub;
    expect(auditLines(from)).toEqual([
      expect.objectContaining({
        level: 'INFO',
        action: 'login',
        actor: sub,
        target: ADMIN.username,
        result: 'success',
        status: 200,
        reason: 'OK',
      }),
      expect.objectContaining({
        level: 'WARN',
        action: 'login',
        actor: 'anonymous',
        target: ADMIN.username,
        result: 'rejected',
        status: 401,
        reason: 'NOT_AUTHENTICATED',
      }),
    ]);
  });

  it('answers a wrong password and an unknown user alike: 401', async () => {
    for (const body of [
      { ...ADMIN, password: 'Wrong-Passw0rd!' },
      { username: 'ghost@example.com', password: 'Any-Passw0rd!' },
    ]) {
      const result = await post('/auth/login', body);
      expect([result.statusCode, JSON.parse(result.body).message]).toEqual([401, 'Incorrect username or password']);
    }
  });

  it.each([
    ['no body', undefined],
    ['not JSON', '{"username":'],
    ['an array', '[]'],
    ['a number', '42'],
    ['missing password', { username: 'admin@example.com' }],
    ['password not a string', { username: 'admin@example.com', password: 12345678 }],
    ['empty username', { username: '', password: 'x' }],
    ['oversized username', { username: 'a'.repeat(129), password: 'x' }],
  ])('answers %s with 400', async (_name, body) => {
    expect(await status(post('/auth/login', body))).toBe(400);
  });
});

it('answers 502 in one clear message when the identity service is down', async () => {
  const closedPort = await tokenEndpoint(200, {}).then((url) => {
    servers.pop()!.close();
    return new URL(url).origin;
  });
  const handler = loadHandler(authEnv({ COGNITO_ENDPOINT: closedPort }));
  const result = await handler(proxyEvent('POST', '/auth/login', { body: ADMIN }));
  expect([result.statusCode, JSON.parse(result.body).message]).toEqual([502, 'Identity service unavailable']);
});

describe('Content-Type', () => {
  const routes: Array<[string, unknown]> = [
    ['/auth/login', ADMIN],
    ['/auth/refresh', { refresh_token: 'r' }],
    ['/auth/token', { code: 'c', code_verifier: 'v'.repeat(43), redirect_uri: REDIRECT }],
  ];

  const types: Array<[string, string | null]> = [
    ['text/plain', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
    ['no Content-Type', null],
  ];
  it.each(routes.flatMap(([route, body]) => types.map(([label, type]) => [route, label, type, body] as const)))(
    '%s answers a body sent as %s with 415, before reading it',
    async (route, _label, contentType, body) => {
      const from = logs.length;
      const result = await auth(proxyEvent('POST', route, { body, contentType }));
      expect([result.statusCode, JSON.parse(result.body)]).toEqual([
        415,
        { message: 'Content-Type must be application/json' },
      ]);
      expect(result.headers).toMatchObject({ 'Cache-Control': 'no-store' });
      expect(auditLines(from)).toEqual([
        expect.objectContaining({ result: 'rejected', status: 415, reason: 'UNSUPPORTED_MEDIA_TYPE' }),
      ]);
    },
  );

  it.each(['application/json; charset=utf-8', 'Application/JSON'])('accepts %s', async (contentType) => {
    expect((await auth(proxyEvent('POST', '/auth/login', { body: ADMIN, contentType }))).statusCode).toBe(200);
  });

  it('reads the header whatever its name’s case', async () => {
    const result = await auth(
      proxyEvent('POST', '/auth/login', {
        body: ADMIN,
        contentType: null,
        headers: { 'content-TYPE': 'application/json' },
      }),
    );
    expect(result.statusCode).toBe(200);
  });
});

describe('POST /auth/refresh', () => {
  it('accepts the refresh token in the body (refresh_token, or refreshToken) or in the refresh cookie, and answers in RFC 6749 names', async () => {
    const { refresh_token: refreshToken } = JSON.parse((await post('/auth/login', ADMIN)).body);
    const refreshed = await post('/auth/refresh', { refresh_token: refreshToken });
    expect(refreshed.statusCode).toBe(200);
    expect(JSON.parse(refreshed.body)).toEqual({
      access_token: expect.any(String),
      id_token: expect.any(String),
      expires_in: expect.any(Number),
      token_type: 'Bearer',
    });
    expect(refreshed.headers).toMatchObject({ 'Cache-Control': 'no-store' });
    expect(await status(post('/auth/refresh', { refreshToken }))).toBe(200);
    expect(
      await status(post('/auth/refresh', undefined, { Cookie: `theme=dark; refresh_token=${refreshToken}` })),
    ).toBe(200);
  });

  it('audits a refresh as the user it was for', async () => {
    const { refresh_token: refreshToken } = JSON.parse((await post('/auth/login', ADMIN)).body);
    const from = logs.length;
    await post('/auth/refresh', { refresh_token: refreshToken });
    expect(auditLines(from)).toEqual([
      expect.objectContaining({
        action: 'refresh',
        actor: expect.stringMatching(/^[0-9a-f-]{36}$/),
        target: ADMIN.username,
        result: 'success',
      }),
    ]);
  });

  it('answers an unknown refresh token with 401 and a missing one with 400', async () => {
    expect(await status(post('/auth/refresh', { refreshToken: 'not-a-token' }))).toBe(401);
    expect(await status(post('/auth/refresh', {}))).toBe(400);
  });
});

describe('POST /auth/token', () => {
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

  it('computes S256 challenges as RFC 7636 appendix B does', () => {
    expect(challengeFor(verifier)).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(createVerifier()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each([
    ['no body', undefined],
    ['missing code', { code_verifier: verifier, redirect_uri: REDIRECT }],
    ['code with spaces', { code: 'a b', code_verifier: verifier, redirect_uri: REDIRECT }],
    ['verifier too short (42)', { code: 'c', code_verifier: 'a'.repeat(42), redirect_uri: REDIRECT }],
    ['verifier too long (129)', { code: 'c', code_verifier: 'a'.repeat(129), redirect_uri: REDIRECT }],
    ['verifier outside the RFC alphabet', { code: 'c', code_verifier: `${'a'.repeat(42)}+`, redirect_uri: REDIRECT }],
    [
      'unregistered redirect_uri',
      { code: 'c', code_verifier: verifier, redirect_uri: 'https://evil.example/callback' },
    ],
    ['redirect_uri not a string', { code: 'c', code_verifier: verifier, redirect_uri: ['x'] }],
  ])('answers %s with 400 without calling the token endpoint', async (_name, body) => {
    const result = await post('/auth/token', body);
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).message).toEqual(expect.any(String));
  });

  it('answers an unknown code from the real emulator with 400 invalid_grant', async () => {
    const result = await post('/auth/token', { code: 'made-up-code', code_verifier: verifier, redirect_uri: REDIRECT });
    expect([result.statusCode, JSON.parse(result.body).error]).toEqual([400, 'invalid_grant']);
  });

  it.each([
    [400, { error: 'invalid_grant' }, 400],
    [400, { error: 'invalid_request' }, 400],
    [401, { error: 'invalid_client' }, 401],
    [400, { error: 'unauthorized_client' }, 401],
    [500, { error: 'server_error' }, 502],
    [503, 'unavailable', 502],
  ])('maps a token endpoint answer %i %j to %i', async (endpointStatus, body, expected) => {
    const handler = loadHandler(authEnv({ TOKEN_ENDPOINT: await tokenEndpoint(endpointStatus, body) }));
    const result = await handler(
      proxyEvent('POST', '/auth/token', { body: { code: 'c0de', code_verifier: verifier, redirect_uri: REDIRECT } }),
    );
    expect(result.statusCode).toBe(expected);
  });

  it('answers 502 when the token endpoint is unreachable', async () => {
    const closed = await tokenEndpoint(200, {});
    servers.pop()!.close();
    const handler = loadHandler(authEnv({ TOKEN_ENDPOINT: closed }));
    const result = await handler(
      proxyEvent('POST', '/auth/token', { body: { code: 'c0de', code_verifier: verifier, redirect_uri: REDIRECT } }),
    );
    expect(result.statusCode).toBe(502);
  });

  it('sets the refresh token only as an HttpOnly, Secure, SameSite=Strict cookie scoped to the refresh path', async () => {
    const endpoint = await tokenEndpoint(200, {
      access_token: 'a.b.c',
      id_token: 'd.e.f',
      refresh_token: 'refresh-secret',
      expires_in: 3600,
      token_type: 'Bearer',
    });
    const handler = loadHandler(authEnv({ TOKEN_ENDPOINT: endpoint }));
    const result = await handler(
      proxyEvent('POST', '/auth/token', { body: { code: 'c0de', code_verifier: verifier, redirect_uri: REDIRECT } }),
    );
    expect(JSON.parse(result.body)).toEqual({
      access_token: 'a.b.c',
      id_token: 'd.e.f',
      expires_in: 3600,
      token_type: 'Bearer',
    });
    expect(result.headers).toMatchObject({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    expect(result.headers?.['Set-Cookie']).toBe(
      `refresh_token=refresh-secret; HttpOnly; Secure; SameSite=Strict; Path=/v1/auth; Max-Age=${config.tokens.refreshTokenDays * 86400}`,
    );
  });
});

it('never logs a password, token, code or verifier', async () => {
  const { access_token: accessToken, refresh_token: refreshToken } = JSON.parse(
    (await post('/auth/login', ADMIN)).body,
  );
  await post('/auth/refresh', { refresh_token: refreshToken });
  await post('/auth/token', { code: 'secret-code-123', code_verifier: `${'v'.repeat(43)}`, redirect_uri: REDIRECT });
  const written = logs.join('');
  expect(written).toContain('"service":"auth"');
  for (const secret of [
    ADMIN.password,
    accessToken,
    refreshToken,
    'secret-code-123',
    'v'.repeat(43),
    'refresh-secret',
  ]) {
    expect(written).not.toContain(secret);
  }
});
