/**
 * Sign-out that no client can get around, end to end through `npm start` as a user runs it
 * (issue 25): a sign-out everywhere holds for the whole refresh-token lifetime, a session logout
 * needs the refresh token, a revoked, expired or deleted user's token changes nothing at logout,
 * admin deletions never empty admin-group (real concurrent requests), and nothing in LOCAL_DIR is
 * readable by group or others. The bound is made short for the run (a revoked token passes for at
 * most 2 s); revocations are awaited by polling with a deadline, never by sleeping.
 */
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  AdminRemoveUserFromGroupCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { REFRESH_TOKEN_REQUIRED } from '../../lambda/auth/logout';
import { createCognitoClient } from '../../lib/clients/cognito-client';
import { createDocumentClient } from '../../lib/clients/dynamodb-client';
import { createUser } from '../../lib/cognito/users';
import { ENV } from '../../lib/contracts/runtime-env';
import { seedUsers } from '../../lib/local/seed-users';
import { expiredEmulatorToken } from '../../fixtures/token-factory';
import { send, sendJson } from '../support/http';
import { runCli, startLocalProcess, type LocalProcess } from '../support/local-process';
import { refreshPaths } from '../support/refresh-paths';

jest.setTimeout(120_000);

const PASSWORD = 'Temp-Passw0rd!x';
/** How long the test waits for a revoked token's 401: the 2 s bound plus room for a loaded machine. */
const DEADLINE_MS = 10_000;
const THIRTY_DAYS_AND_SKEW = 30 * 86_400 + 5;

let local: LocalProcess;
const REFRESH_PATHS = refreshPaths(() => ({
  cognito,
  clientId: local.outputs.UserPoolClientId,
  hostedUiUrl: local.outputs.HostedUiUrl,
  apiUrl: local.apiUrl,
}));
let cognito: CognitoIdentityProviderClient;
let dir: string;

beforeAll(async () => {
  // What an older version left behind: open folders and a readable file with a plain-text password.
  dir = mkdtempSync(path.join(tmpdir(), 'sign-out-'));
  mkdirSync(path.join(dir, 'cognito', '.cognito'), { recursive: true, mode: 0o755 });
  chmodSync(dir, 0o755);
  writeFileSync(path.join(dir, 'cognito.log'), 'password: hunter2\n', { mode: 0o644 });
  chmodSync(path.join(dir, 'cognito.log'), 0o644);
  local = await startLocalProcess({ dir, env: { AUTHORIZER_CACHE_TTL: '1', REVOCATION_REFRESH_SECONDS: '1' } });
  cognito = createCognitoClient({ [ENV.cognitoEndpoint]: `http://127.0.0.1:${local.cognitoPort}` }, 'us-east-1');
});
afterAll(async () => {
  cognito?.destroy();
  await local?.stop();
});

interface Session {
  readonly access_token: string;
  readonly id_token: string;
  readonly refresh_token: string;
}

let users = 0;
async function newUser(groups: string[] = ['user-group']): Promise<string> {
  const email = `sign-out-${++users}@example.com`;
  await createUser(cognito, local.outputs.UserPoolId, { email, password: PASSWORD, groups });
  return email;
}

async function login(username: string): Promise<Session> {
  const response = await sendJson(`${local.apiUrl}/auth/login`, 'POST', { username, password: PASSWORD });
  expect(response.status).toBe(200);
  return response.json as Session;
}

const claimsOf = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
const call = async (token: string, route = '/api/profile', method = 'GET') =>
  (await send(`${local.apiUrl}${route}`, { method, headers: { Authorization: `Bearer ${token}` } })).status;
const logout = (token: string, body: unknown, headers: Record<string, string> = {}) =>
  sendJson(`${local.apiUrl}/auth/logout`, 'POST', body, { Authorization: `Bearer ${token}`, ...headers });
const refresh = async (session: Session) =>
  (await sendJson(`${local.apiUrl}/auth/refresh`, 'POST', { refresh_token: session.refresh_token })).status;

/** The revocation table of the running system, read and written directly (what DynamoDB holds). */
const store = () =>
  createDocumentClient({ [ENV.region]: 'us-east-1', [ENV.dynamodbEndpoint]: `http://127.0.0.1:${local.dynamodbPort}` });
const stored = async (id: string) =>
  (
    await store().send(
      new GetCommand({ TableName: local.outputs.RevocationsTableName, Key: { id }, ConsistentRead: true }),
    )
  ).Item;

/** Calls with `token` until it is refused (401) or the deadline passes: the last status. */
async function untilRefused(token: string): Promise<number> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const status = await call(token);
    if (status === 401 || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('sign out everywhere', () => {
  it("keeps refusing the user's older refresh tokens after an hour (the cut-off lives a refresh-token lifetime), while a fresh login works", async () => {
    const email = await newUser();
    const [other, signingOut] = [await login(email), await login(email)];
    const answer = await logout(signingOut.access_token, { everywhere: true });
    expect([answer.status, answer.json]).toEqual([200, { revoked: 'everywhere' }]);
    const id = `user#${String(claimsOf(other.access_token).sub)}`;
    const item = await stored(id);
    expect(item!.expiresAt).toBe(Math.ceil(Number(item!.revokedAt) / 1000) + THIRTY_DAYS_AND_SKEW);
    // What every reader sees 61 minutes later (the item as if written then): still refused.
    const hourAgoMs = Number(item!.revokedAt) - 3660 * 1000;
    await store().send(
      new PutCommand({
        TableName: local.outputs.RevocationsTableName,
        Item: { ...item, revokedAt: hourAgoMs, expiresAt: Math.ceil(hourAgoMs / 1000) + THIRTY_DAYS_AND_SKEW },
      }),
    );
    expect(await refresh(other)).toBe(401);
    expect(await refresh(other)).toBe(401);
    const fresh = await login(email);
    expect([await call(fresh.access_token), await refresh(fresh)]).toEqual([200, 200]);
  });

  it('refuses every refresh path after a sign-out everywhere, at once and an hour later', async () => {
    const email = await newUser();
    const sessions = [await login(email), await login(email), await login(email)];
    const [kept, signingOut] = [sessions[0], sessions[2]];
    expect((await logout(signingOut.access_token, { everywhere: true })).status).toBe(200);
    const refused = async (refreshToken: string) =>
      Object.fromEntries(
        await Promise.all(
          Object.entries(REFRESH_PATHS).map(async ([name, refreshBy]) => [
            name,
            await refreshBy(refreshToken).then(
              () => 'refreshed',
              () => 'refused',
            ),
          ]),
        ),
      );
    const everyPath = Object.fromEntries(Object.keys(REFRESH_PATHS).map((name) => [name, 'refused']));
    expect(await refused(kept.refresh_token)).toEqual(everyPath);
    // What every reader sees an hour on (the cut-off as if written then): still refused everywhere.
    const item = (await stored(`user#${String(claimsOf(kept.access_token).sub)}`))!;
    const hourAgoMs = Number(item.revokedAt) - 3660 * 1000;
    await store().send(
      new PutCommand({
        TableName: local.outputs.RevocationsTableName,
        Item: { ...item, revokedAt: hourAgoMs, expiresAt: Math.ceil(hourAgoMs / 1000) + THIRTY_DAYS_AND_SKEW },
      }),
    );
    expect(await refused(sessions[1].refresh_token)).toEqual(everyPath);
    // A login after the sign-out refreshes on every path.
    const fresh = await login(email);
    for (const refreshBy of Object.values(REFRESH_PATHS))
      await expect(refreshBy(fresh.refresh_token)).resolves.toEqual(expect.any(String));
  });
});

describe('session logout', () => {
  it('without the refresh token is a 400 that says so and ends nothing; with it (body or cookie) the session ends and its refresh token is refused', async () => {
    const email = await newUser();
    const [first, second] = [await login(email), await login(email)];
    const refused = await logout(first.access_token, {});
    expect([refused.status, refused.json]).toEqual([400, { message: REFRESH_TOKEN_REQUIRED }]);
    expect([await call(first.access_token), await refresh(first)]).toEqual([200, 200]);
    expect((await logout(first.access_token, { refreshToken: first.refresh_token })).status).toBe(200);
    expect(
      (await logout(second.access_token, undefined, { Cookie: `refresh_token=${second.refresh_token}` })).status,
    ).toBe(200);
    expect([await untilRefused(first.access_token), await untilRefused(second.access_token)]).toEqual([401, 401]);
    expect([await refresh(first), await refresh(second)]).toEqual([401, 401]);
  });

  it('npm run cli -- logout always sends the saved refresh token; the CLI writes its tokens to a new 0600 file, never through a planted link', async () => {
    const email = await newUser();
    const tokenFile = path.join(dir, `cli-${users}.json`);
    const planted = path.join(mkdtempSync(path.join(tmpdir(), 'planted-')), 'target.txt');
    writeFileSync(planted, 'someone else’s file\n');
    symlinkSync(planted, tokenFile);
    const cli = (args: string[]) =>
      runCli(args, { OUTPUTS_FILE: path.join(dir, 'outputs.json'), TOKENS_FILE: tokenFile });
    expect((await cli(['login', '--username', email, '--password', PASSWORD])).status).toBe(0);
    expect(readFileSync(planted, 'utf8')).toBe('someone else’s file\n');
    expect([lstatSync(tokenFile).isFile(), lstatSync(tokenFile).mode & 0o777]).toEqual([true, 0o600]);
    const saved = JSON.parse(readFileSync(tokenFile, 'utf8')) as { accessToken: string; refreshToken: string };
    expect((await cli(['logout'])).stdout.trim()).toBe(`Logged out (session revoked); removed ${tokenFile}`);
    expect(await untilRefused(saved.accessToken)).toBe(401);
    expect(await refresh({ access_token: saved.accessToken, id_token: '', refresh_token: saved.refreshToken })).toBe(
      401,
    );
  });
});

describe('a revoked, expired or deleted user’s token changes nothing at /auth/logout (401)', () => {
  it("a thief's logged-out access token cannot sign its victim out everywhere, again and again", async () => {
    const email = await newUser();
    const stolen = await login(email);
    expect((await logout(stolen.access_token, { refreshToken: stolen.refresh_token })).status).toBe(200);
    expect(await untilRefused(stolen.access_token)).toBe(401);
    const victim = await login(email);
    for (let attempt = 0; attempt < 3; attempt++)
      expect((await logout(stolen.access_token, { everywhere: true })).status).toBe(401);
    expect(await stored(`user#${String(claimsOf(victim.access_token).sub)}`)).toBeUndefined();
    expect([await call(victim.access_token), await refresh(victim)]).toEqual([200, 200]);
  });

  it('an ID token, for either scope', async () => {
    const session = await login(await newUser());
    for (const body of [{ everywhere: true }, { refreshToken: session.refresh_token }])
      expect((await logout(session.id_token, body)).status).toBe(401);
    expect(await stored(`user#${String(claimsOf(session.access_token).sub)}`)).toBeUndefined();
    expect([await call(session.access_token), await refresh(session)]).toEqual([200, 200]);
  });

  it.each(['access', 'id'] as const)('an expired %s token (signed by the emulator’s own key)', async (tokenUse) => {
    const session = await login(await newUser());
    const { sub, jti } = claimsOf(session.access_token);
    const pool = { issuer: local.outputs.UserPoolProviderUrl, clientId: local.outputs.UserPoolClientId };
    const expired = expiredEmulatorToken(pool, claimsOf(session.access_token), tokenUse);
    for (const body of [{ everywhere: true }, { refreshToken: session.refresh_token }])
      expect((await logout(expired, body)).status).toBe(401);
    expect(await stored(`user#${String(sub)}`)).toBeUndefined();
    expect(await stored(`session#${String(jti)}`)).toBeUndefined();
    expect([await call(session.access_token), await refresh(session)]).toEqual([200, 200]);
  });

  it('a user deleted by an admin', async () => {
    const email = await newUser();
    const deleted = await login(email);
    const [seededAdmin] = seedUsers;
    const admin = await sendJson(`${local.apiUrl}/auth/login`, 'POST', {
      username: seededAdmin.email,
      password: seededAdmin.password,
    });
    expect(seededAdmin.groups).toEqual(['admin-group']);
    expect(await call(admin.json.access_token, `/api/admin/users/${encodeURIComponent(email)}`, 'DELETE')).toBe(200);
    const cutOff = await stored(`user#${String(claimsOf(deleted.access_token).sub)}`);
    for (const body of [{ everywhere: true }, { refreshToken: deleted.refresh_token }])
      expect((await logout(deleted.access_token, body)).status).toBe(401);
    expect(await stored(`user#${String(claimsOf(deleted.access_token).sub)}`)).toEqual(cutOff);
    expect(await stored(`session#${String(claimsOf(deleted.access_token).jti)}`)).toBeUndefined();
  });
});

describe('LOCAL_DIR', () => {
  it('holds nothing readable by group or others: folders 0700, files 0600, the emulator’s and dynalite’s included', async () => {
    await login(await newUser()); // the emulator and dynalite have written since the start
    const open: string[] = [];
    const walk = (entry: string): void => {
      const stats = lstatSync(entry);
      if (stats.isSymbolicLink()) return;
      const wanted = stats.isDirectory() ? 0o700 : 0o600;
      if ((stats.mode & 0o777) !== wanted)
        open.push(`${path.relative(dir, entry)} ${(stats.mode & 0o777).toString(8)}`);
      if (stats.isDirectory()) for (const name of readdirSync(entry)) walk(path.join(entry, name));
    };
    walk(dir);
    expect(open).toEqual([]);
    const written = (sub: string) => readdirSync(path.join(dir, sub)).length;
    expect([written('cognito/.cognito/db'), written('dynamodb')].every((count) => count > 0)).toBe(true);
  });
});

describe('admin deletions never leave admin-group without a member', () => {
  it('of two admins deleting each other at the same time, one succeeds and the other is a 409; deleting the last admin is a 409', async () => {
    // Only the two of them in admin-group (the seeded admin leaves it for this test).
    await cognito.send(
      new AdminRemoveUserFromGroupCommand({
        UserPoolId: local.outputs.UserPoolId,
        Username: 'admin@example.com',
        GroupName: 'admin-group',
      }),
    );
    const [first, second, former] = [
      await newUser(['admin-group']),
      await newUser(['admin-group']),
      await newUser(['admin-group']),
    ];
    const [a, b, c] = [await login(first), await login(second), await login(former)];
    // The third leaves admin-group; its token still says admin-group, so the API lets it try.
    await cognito.send(
      new AdminRemoveUserFromGroupCommand({
        UserPoolId: local.outputs.UserPoolId,
        Username: former,
        GroupName: 'admin-group',
      }),
    );
    const remove = (token: string, email: string) =>
      send(`${local.apiUrl}/api/admin/users/${encodeURIComponent(email)}`, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${token}` },
      });
    const answers = await Promise.all([remove(a.access_token, second), remove(b.access_token, first)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const loser = answers.find((answer) => answer.status === 409)!;
    expect(loser.json.message).toMatch(
      /^(Another admin is being deleted right now: .* was not deleted, retry in a moment|Deleting .* would leave admin-group without a member: add another admin first)$/,
    );
    const survivor = answers[0].status === 200 ? first : second;
    const last = await remove(c.access_token, survivor);
    expect([last.status, last.json]).toEqual([
      409,
      { message: `Deleting ${survivor} would leave admin-group without a member: add another admin first` },
    ]);
    const listed = await send(`${local.apiUrl}/api/admin/users`, {
      headers: { Authorization: `Bearer ${(answers[0].status === 200 ? a : b).access_token}` },
    });
    expect(listed.json.users).toContainEqual(expect.objectContaining({ username: survivor }));
  });
});
