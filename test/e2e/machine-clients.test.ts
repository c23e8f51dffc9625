/**
 * Machine clients end to end through `npm start` (free ports, the real emulator, the real gateway,
 * authorizer and handlers): the provisioned client and its secret file, the client-credentials
 * grant at the TokenEndpoint output, tokens that verify against the local Cognito's JWKS, machine tokens
 * × routes, the PUT author rule for a machine, decision lines, and the CLI.
 */
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { MACHINE_CLIENT_FILE } from '../../lib/config/app-clients';
import { configFor } from '../../lib/config/app-config';
import { localMachineCredentials } from '../../lib/cli/client-credentials';
import { runCli, startLocalProcess, type LocalProcess } from '../support/local-process';

jest.setTimeout(90_000);

const SERVER = configFor('dev').resourceServer.identifier;
const READ = `${SERVER}/reviews.read`;
const WRITE = `${SERVER}/reviews.write`;
let local: LocalProcess;
let clientId: string;
let clientSecret: string;

beforeAll(async () => {
  // Every request reaches the authorizer, which reads the revocation store every time: a revocation shows at once.
  local = await startLocalProcess({ env: { AUTHORIZER_CACHE_TTL: '0', REVOCATION_REFRESH_SECONDS: '0' } });
  ({ clientId, clientSecret } = localMachineCredentials(path.join(local.dir, 'outputs.json')));
});
afterAll(async () => {
  await local?.stop();
});

const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function tokenRequest(form: Record<string, string>, authorization?: string): Promise<Response> {
  return fetch(local.outputs.TokenEndpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      ...(authorization ? { Authorization: authorization } : {}),
    },
    body: new URLSearchParams(form).toString(),
  });
}

async function machineToken(scope?: string): Promise<string> {
  const response = await tokenRequest(
    { grant_type: 'client_credentials', ...(scope ? { scope } : {}) },
    basic(clientId, clientSecret),
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function api(
  method: string,
  apiPath: string,
  token: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return fetch(`${local.apiUrl}${apiPath}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function login(username: string, password: string): Promise<string> {
  const response = await fetch(`${local.apiUrl}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

describe('provisioning', () => {
  it('writes the client to machine-client.json (0600) and names it and the resource server in the outputs', () => {
    expect(statSync(path.join(local.dir, MACHINE_CLIENT_FILE)).mode & 0o777).toBe(0o600);
    expect(local.outputs.MachineClientId).toBe(clientId);
    expect(local.outputs.ResourceServerIdentifier).toBe(SERVER);
    expect(clientSecret.length).toBeGreaterThan(10);
  });
});

describe('the token endpoint', () => {
  it('answers as Cognito does, and the token verifies against the same JWKS as user tokens', async () => {
    const response = await tokenRequest(
      { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: READ },
      undefined,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    const [header, claims, signature] = String(body.access_token).split('.');
    const protectedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    // The local Cognito's JWKS, fetched as any verifier would: the user tokens' key signed it.
    const { keys } = (await (await fetch(local.outputs.JwksUri)).json()) as {
      keys: Array<JsonWebKey & { kid: string }>;
    };
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT', kid: keys[0].kid });
    const jwk = keys[0];
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    expect(verify('sha256', Buffer.from(`${header}.${claims}`), key, Buffer.from(signature, 'base64url'))).toBe(true);
    const payload = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8'));
    expect(payload).toMatchObject({
      iss: local.outputs.UserPoolProviderUrl,
      sub: clientId,
      client_id: clientId,
      token_use: 'access',
      scope: READ,
      version: 2,
    });
    expect(payload.username).toBeUndefined();
  });

  it.each<[string, Record<string, string>, () => string | undefined, number, string]>([
    ['a wrong secret', { grant_type: 'client_credentials' }, () => basic(clientId, 'wrong'), 401, 'invalid_client'],
    [
      'an unknown scope',
      { grant_type: 'client_credentials', scope: `${SERVER}/reviews.delete` },
      () => basic(clientId, clientSecret),
      400,
      'invalid_scope',
    ],
    [
      'a grant it may not use',
      { grant_type: 'refresh_token', refresh_token: 'x' },
      () => basic(clientId, clientSecret),
      400,
      'unauthorized_client',
    ],
    ['an unknown grant', { grant_type: 'magic' }, () => basic(clientId, clientSecret), 400, 'unsupported_grant_type'],
  ])('%s: the RFC 6749 error, no-store', async (_, form, authorization, status, error) => {
    const response = await tokenRequest(form, authorization());
    expect([response.status, ((await response.json()) as { error: string }).error]).toEqual([status, error]);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it("still passes the user client's grants to the emulator", async () => {
    const response = await tokenRequest({
      grant_type: 'refresh_token',
      client_id: local.outputs.UserPoolClientId,
      refresh_token: 'x',
    });
    expect([response.status, ((await response.json()) as { error: string }).error]).toEqual([400, 'invalid_grant']);
  });
});

describe('machine tokens × routes', () => {
  it('reviews.read: lists and reads reviews; cannot write, nor reach profile or admin routes', async () => {
    const token = await machineToken(READ);
    expect((await api('GET', '/api/reviews', token)).status).toBe(200);
    expect((await api('GET', '/api/reviews/nothing-here', token)).status).toBe(404);
    expect((await api('POST', '/api/reviews', token, { title: 't', body: 'b', rating: 3 })).status).toBe(403);
    expect((await api('GET', '/api/profile', token)).status).toBe(403);
    expect((await api('GET', '/api/admin/users', token)).status).toBe(403);
  });

  it('reviews.write: writes as its own author, and only the author may update', async () => {
    const token = await machineToken(WRITE);
    const created = await api('POST', '/api/reviews', token, { title: 'by a service', body: 'b', rating: 4 });
    expect(created.status).toBe(201);
    const review = (await created.json()) as { id: string; author: string };
    expect(review.author).toBe(clientId);
    const etag = created.headers.get('etag')!;
    const update = { title: 'updated', body: 'b2', rating: 5 };
    expect((await api('PUT', `/api/reviews/${review.id}`, token, update, { 'If-Match': etag })).status).toBe(200);
    expect((await api('GET', '/api/reviews', token)).status).toBe(403); // no reviews.read in this token

    const reviewer = await login('reviewer@example.com', 'Review-Passw0rd!');
    expect((await api('PUT', `/api/reviews/${review.id}`, reviewer, update, { 'If-Match': '*' })).status).toBe(403);
  });

  it('decision lines name the client and its scopes', async () => {
    const token = await machineToken(READ);
    await api('GET', `/api/reviews?marker=${Date.now()}`, token);
    const stdout = await local.untilStdout((out) => out.includes(`"client_id":"${clientId}","scopes":"reviews.read"`));
    expect(stdout).not.toContain(token.split('.')[2]);
  });
});

describe('the CLI', () => {
  it('gets a machine token, reuses it until it expires, and calls with it', async () => {
    const env = { LOCAL_DIR: local.dir, TOKENS_FILE: path.join(local.dir, 'machine-tokens.json') };
    const first = await runCli(['token', '--client-credentials', '--scope', 'reviews.read'], env);
    expect([first.status, first.stderr]).toEqual([0, '']);
    expect(first.stdout).toContain(`Token for machine client ${clientId} saved`);
    const again = await runCli(['token', '--client-credentials', '--scope', 'reviews.read'], env);
    expect(again.stdout).toContain(`Reusing the saved token of ${clientId}`);
    expect((await runCli(['call', 'GET', '/api/reviews'], env)).status).toBe(0);
    const refused = await runCli(['call', 'GET', '/api/profile'], env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^cli: GET \/api\/profile: /);
  });

  it('a wrong secret fails in one line', async () => {
    const result = await runCli(['token', '--client-credentials', '--client-secret', 'wrong'], {
      LOCAL_DIR: local.dir,
      TOKENS_FILE: path.join(local.dir, 'other-tokens.json'),
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^cli: The token endpoint refused the client-credentials request \(invalid_client\): .*\n$/,
    );
  });
});

// Last: it revokes the client's tokens for the rest of the run.
describe('POST /api/admin/clients/{id}/revoke', () => {
  it('an admin revokes every token the client holds; people and other routes are untouched', async () => {
    const token = await machineToken(READ);
    expect((await api('GET', '/api/reviews', token)).status).toBe(200);
    const admin = await login('admin@example.com', 'Admin-Passw0rd!');
    const reader = await login('user@example.com', 'User-Passw0rd!');
    expect((await api('POST', `/api/admin/clients/${clientId}/revoke`, reader)).status).toBe(403);
    const revoked = await api('POST', `/api/admin/clients/${clientId}/revoke`, admin);
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ revoked: clientId });
    expect((await api('GET', '/api/reviews', token)).status).toBe(401);
    expect((await api('GET', '/api/reviews', reader)).status).toBe(200);
    expect((await api('POST', '/api/admin/clients/not-a-client-id/revoke', admin)).status).toBe(400);
    await local.untilStdout((out) => out.includes('"action":"admin.revoke_client"'));
  });
});
