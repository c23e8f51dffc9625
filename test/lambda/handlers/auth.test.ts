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
import { backendEnv, startTestEmulator, type TestEmulator } from '../../support/emulator';
import { proxyEvent } from '../../support/proxy-event';

type Handler = BackendHandler;

const config = configFor('dev');
const REDIRECT = config.hostedUi.callbackUrls[0];
const ADMIN = { username: 'admin@example.com', password: 'Admin-Passw0rd!' };
let emulator: TestEmulator;
let auth: Handler;
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
  emulator = await startTestEmulator();
  auth = loadHandler(backendEnv(emulator));
});
afterAll(async () => {
  servers.forEach((server) => server.close());
  await emulator.stop();
});

const post = (resource: string, body?: unknown, headers?: Record<string, string>) => auth(proxyEvent('POST', resource, { body, headers }));
const status = async (result: Promise<ProxyResult>) => (await result).statusCode;

describe('POST /auth/login', () => {
  it('returns Cognito tokens for the right password', async () => {
    const result = await post('/auth/login', ADMIN);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ AccessToken: expect.any(String), IdToken: expect.any(String), RefreshToken: expect.any(String), ExpiresIn: expect.any(Number) });
  });

  it('answers a wrong password and an unknown user alike: 401', async () => {
    for (const body of [{ ...ADMIN, password: 'Wrong-Passw0rd!' }, { username: 'ghost@example.com', password: 'Any-Passw0rd!' }]) {
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
  const handler = loadHandler(backendEnv(emulator, { COGNITO_ENDPOINT: closedPort }));
  const result = await handler(proxyEvent('POST', '/auth/login', { body: ADMIN }));
  expect([result.statusCode, JSON.parse(result.body).message]).toEqual([502, 'Identity service unavailable']);
});

describe('POST /auth/refresh', () => {
  it('accepts the refresh token in the body or in the refresh cookie', async () => {
    const { RefreshToken } = JSON.parse((await post('/auth/login', ADMIN)).body);
    expect(await status(post('/auth/refresh', { refreshToken: RefreshToken }))).toBe(200);
    expect(await status(post('/auth/refresh', undefined, { Cookie: `theme=dark; refresh_token=${RefreshToken}` }))).toBe(200);
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
    ['unregistered redirect_uri', { code: 'c', code_verifier: verifier, redirect_uri: 'https://evil.example/callback' }],
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
    const handler = loadHandler(backendEnv(emulator, { TOKEN_ENDPOINT: await tokenEndpoint(endpointStatus, body) }));
    const result = await handler(proxyEvent('POST', '/auth/token', { body: { code: 'c0de', code_verifier: verifier, redirect_uri: REDIRECT } }));
    expect(result.statusCode).toBe(expected);
  });

  it('answers 502 when the token endpoint is unreachable', async () => {
    const closed = await tokenEndpoint(200, {});
    servers.pop()!.close();
    const handler = loadHandler(backendEnv(emulator, { TOKEN_ENDPOINT: closed }));
    const result = await handler(proxyEvent('POST', '/auth/token', { body: { code: 'c0de', code_verifier: verifier, redirect_uri: REDIRECT } }));
    expect(result.statusCode).toBe(502);
  });

  it('sets the refresh token only as an HttpOnly, Secure, SameSite=Strict cookie scoped to the refresh path', async () => {
    const endpoint = await tokenEndpoint(200, { access_token: 'a.b.c', id_token: 'd.e.f', refresh_token: 'refresh-secret', expires_in: 3600, token_type: 'Bearer' });
    const handler = loadHandler(backendEnv(emulator, { TOKEN_ENDPOINT: endpoint }));
    const result = await handler(proxyEvent('POST', '/auth/token', { body: { code: 'c0de', code_verifier: verifier, redirect_uri: REDIRECT } }));
    expect(JSON.parse(result.body)).toEqual({ access_token: 'a.b.c', id_token: 'd.e.f', expires_in: 3600, token_type: 'Bearer' });
    expect(result.headers?.['Set-Cookie']).toBe(
      `refresh_token=refresh-secret; HttpOnly; Secure; SameSite=Strict; Path=/v1/auth/refresh; Max-Age=${config.tokens.refreshTokenDays * 86400}`,
    );
  });
});

it('never logs a password, token, code or verifier', async () => {
  const { AccessToken, RefreshToken } = JSON.parse((await post('/auth/login', ADMIN)).body);
  await post('/auth/refresh', { refreshToken: RefreshToken });
  await post('/auth/token', { code: 'secret-code-123', code_verifier: `${'v'.repeat(43)}`, redirect_uri: REDIRECT });
  const written = logs.join('');
  expect(written).toContain('"service":"auth"');
  for (const secret of [ADMIN.password, AccessToken, RefreshToken, 'secret-code-123', 'v'.repeat(43), 'refresh-secret']) {
    expect(written).not.toContain(secret);
  }
});
