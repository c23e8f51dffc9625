/**
 * Sign-out and revocation end to end, through `npm start` as a user runs it, with the bound made
 * short for the run (AUTHORIZER_CACHE_TTL=1, REVOCATION_REFRESH_SECONDS=1: a revoked token passes
 * for at most 2 s). Revocations are awaited by polling with a deadline, never by sleeping; tokens
 * that were not revoked must never be denied, not even under load while revocations happen.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createUser } from '../../lib/cognito/users';
import { seedUsers } from '../../lib/local/seed-users';
import { send, sendJson } from '../support/http';
import { runCli, startLocalProcess, type LocalProcess } from '../support/local-process';

jest.setTimeout(120_000);

const CACHE_TTL_SECONDS = 1;
const REFRESH_SECONDS = 1;
/** How long the test waits for a revoked token's 401: the bound plus room for a loaded machine. */
const DEADLINE_MS = (CACHE_TTL_SECONDS + REFRESH_SECONDS) * 1000 + 8000;
const PASSWORD = 'Temp-Passw0rd!x';

let local: LocalProcess;
let cognito: CognitoIdentityProviderClient;

beforeAll(async () => {
  local = await startLocalProcess({
    env: { AUTHORIZER_CACHE_TTL: String(CACHE_TTL_SECONDS), REVOCATION_REFRESH_SECONDS: String(REFRESH_SECONDS) },
  });
  cognito = new CognitoIdentityProviderClient({
    endpoint: `http://127.0.0.1:${local.cognitoPort}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  cognito?.destroy();
  await local?.stop();
});

interface Session {
  readonly access_token: string;
  readonly refresh_token: string;
}

let users = 0;
/** A user of its own for each test (other tests' revocations never touch it). */
async function newUser(groups: string[] = ['user-group']): Promise<string> {
  const email = `revocation-${++users}@example.com`;
  await createUser(cognito, local.outputs.UserPoolId, { email, password: PASSWORD, groups });
  return email;
}

async function login(username: string, password = PASSWORD): Promise<Session> {
  const response = await sendJson(`${local.apiUrl}/auth/login`, 'POST', { username, password });
  expect(response.status).toBe(200);
  return response.json as Session;
}

const call = async (session: Session, route = '/api/profile', method = 'GET') =>
  (await send(`${local.apiUrl}${route}`, { method, headers: { Authorization: `Bearer ${session.access_token}` } }))
    .status;
const logout = (session: Session, body: unknown = { refreshToken: session.refresh_token }) =>
  sendJson(`${local.apiUrl}/auth/logout`, 'POST', body, { Authorization: `Bearer ${session.access_token}` });
const refresh = async (session: Session) =>
  (await sendJson(`${local.apiUrl}/auth/refresh`, 'POST', { refresh_token: session.refresh_token })).status;

/**
 * Calls with each of `revoked` until every one is refused (401) or the deadline passes, and with
 * each of `kept` on every round: the statuses those got, all of them.
 */
async function untilRevoked(revoked: Session[], kept: Session[] = []): Promise<{ revoked: number[]; kept: number[] }> {
  const deadline = Date.now() + DEADLINE_MS;
  const keptStatuses: number[] = [];
  for (;;) {
    const statuses = await Promise.all(revoked.map((session) => call(session)));
    keptStatuses.push(...(await Promise.all(kept.map((session) => call(session)))));
    if (statuses.every((status) => status === 401) || Date.now() > deadline)
      return { revoked: statuses, kept: [...new Set(keptStatuses)] };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('POST /auth/logout', () => {
  it("ends one session within the bound: its access token 401, the user's other session still 200", async () => {
    const email = await newUser();
    const [first, second] = [await login(email), await login(email)];
    expect([await call(first), await call(second)]).toEqual([200, 200]);
    const answer = await logout(first);
    expect([answer.status, answer.json]).toEqual([200, { revoked: 'session' }]);
    expect(await untilRevoked([first], [second])).toEqual({ revoked: [401], kept: [200] });
    expect(await refresh(first)).toBe(401);
    expect(await refresh(second)).toBe(200);
  });

  it('everywhere: every session 401 within the bound, their refreshes refused, and a fresh login works at once', async () => {
    const email = await newUser();
    const [first, second] = [await login(email), await login(email)];
    const answer = await logout(first, { everywhere: true });
    expect([answer.status, answer.json]).toEqual([200, { revoked: 'everywhere' }]);
    expect((await untilRevoked([first, second])).revoked).toEqual([401, 401]);
    expect([await refresh(first), await refresh(second)]).toEqual([401, 401]);
    const fresh = await login(email);
    expect(await call(fresh)).toBe(200);
  });

  it('answers 401 for a bad token, and 401 for a logout repeated with the revoked one (it changes nothing)', async () => {
    const email = await newUser();
    const session = await login(email);
    expect(
      (await sendJson(`${local.apiUrl}/auth/logout`, 'POST', {}, { Authorization: 'Bearer not.a.token' })).status,
    ).toBe(401);
    expect((await sendJson(`${local.apiUrl}/auth/logout`, 'POST', {})).status).toBe(401);
    expect((await logout(session)).status).toBe(200);
    expect((await untilRevoked([session])).revoked).toEqual([401]);
    expect((await logout(session)).status).toBe(401);
  });
});

describe('DELETE /api/admin/users/{id}', () => {
  it("revokes the deleted user's tokens within the bound; other users keep theirs", async () => {
    const [deleted, bystander] = [await newUser(), await newUser()];
    const [victim, other] = [await login(deleted), await login(bystander)];
    const admin = await login('admin@example.com', seedUsers[0].password);
    expect(await call(admin, `/api/admin/users/${encodeURIComponent(deleted)}`, 'DELETE')).toBe(200);
    expect(await untilRevoked([victim], [other, admin])).toEqual({ revoked: [401], kept: [200] });
  });

  it('takes admin access away from an admin another admin deleted (an admin cannot delete themself: 400)', async () => {
    const [first, second] = [await newUser(['admin-group']), await newUser(['admin-group'])];
    const [deleter, deletedAdmin] = [await login(first), await login(second)];
    expect(await call(deletedAdmin, `/api/admin/users/${encodeURIComponent(second)}`, 'DELETE')).toBe(400);
    expect(await call(deletedAdmin, '/api/admin/users')).toBe(200);
    expect(await call(deleter, `/api/admin/users/${encodeURIComponent(second)}`, 'DELETE')).toBe(200);
    expect((await untilRevoked([deletedAdmin], [deleter])).revoked).toEqual([401]);
    expect(await call(deletedAdmin, '/api/admin/users')).toBe(401);
  });
});

it('never denies a token that was not revoked: 1,000 mixed requests while sessions are logged out alongside', async () => {
  const routes = ['/api/profile', '/api/reviews', '/api/reviews/none-such'];
  const kept = await Promise.all(seedUsers.map((user) => login(user.email, user.password)));
  const churner = await newUser();
  const revoked: Session[] = [];
  let revocations = Promise.resolve();
  const statuses = new Map<string, number>();
  const requests = Array.from({ length: 1000 }, (_, index) => index);
  const worker = async (): Promise<void> => {
    for (let index = requests.shift(); index !== undefined; index = requests.shift()) {
      if (index % 50 === 0) {
        // A revocation every 50 requests: a session of another user logs in and out.
        revocations = revocations.then(async () => {
          const session = await login(churner);
          revoked.push(session);
          expect((await logout(session)).status).toBe(200);
        });
      }
      const status = await call(kept[index % kept.length], routes[index % routes.length]);
      const key = `${routes[index % routes.length]} ${status}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
  await revocations;
  // Authorized and answered by the backends: 200, or 404 for the review that does not exist.
  expect(Object.fromEntries(statuses)).toEqual({
    '/api/profile 200': 334,
    '/api/reviews 200': 333,
    '/api/reviews/none-such 404': 333,
  });
  expect(revoked).toHaveLength(20);
  expect((await untilRevoked(revoked)).revoked).toEqual(Array(20).fill(401));
});

describe('npm run cli -- logout', () => {
  const cli = (args: string[], tokenFile: string) =>
    runCli(args, { OUTPUTS_FILE: path.join(local.dir, 'outputs.json'), TOKENS_FILE: tokenFile });
  const saved = (tokenFile: string): Session => {
    const tokens = JSON.parse(readFileSync(tokenFile, 'utf8')) as { accessToken: string; refreshToken: string };
    return { access_token: tokens.accessToken, refresh_token: tokens.refreshToken };
  };

  it.each([
    [[] as string[], 'session revoked'],
    [['--everywhere'], 'signed out of every session'],
  ])('logout %j revokes the saved session at the API, then deletes the tokens', async (flags, said) => {
    const email = await newUser();
    const tokenFile = path.join(local.dir, `cli-${users}.json`);
    expect((await cli(['login', '--username', email, '--password', PASSWORD], tokenFile)).status).toBe(0);
    const session = saved(tokenFile);
    const result = await cli(['logout', ...flags], tokenFile);
    expect([result.status, result.stderr, result.stdout.trim()]).toEqual([
      0,
      '',
      `Logged out (${said}); removed ${tokenFile}`,
    ]);
    expect((await untilRevoked([session])).revoked).toEqual([401]);
    expect(await refresh(session)).toBe(401);
  });
});
