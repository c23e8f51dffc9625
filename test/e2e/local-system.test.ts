/**
 * End to end: `npm start`'s program on free ports in a temp dir, the seeded users logging in
 * through the real emulator, and every route of the access map over HTTP through the local
 * gateway, the real authorizer and the real handlers.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { provision } from '../../lib/local/emulator';
import { callbackUrlsFor } from '../../lib/local/system';
import { configFor } from '../../lib/config/app-config';
import { seedUsers } from '../../lib/local/seed-users';
import { accessToken, makeSigningKey } from '../../fixtures/token-factory';
import { send, sendJson } from '../support/http';
import { runCli, startLocalProcess, type LocalProcess } from '../support/local-process';

jest.setTimeout(90_000);

let local: LocalProcess;
const tokens = new Map<string, { access_token: string; refresh_token: string }>();
let expiringToken: string;
let expiringTokenIssuedAt: number;

const password = (email: string) => seedUsers.find((user) => user.email === email)!.password;

function cognito(): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint: `http://127.0.0.1:${local.cognitoPort}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

async function api(method: string, path: string, authorization?: string, body?: unknown) {
  const response = await sendJson(
    `${local.apiUrl}${path}`,
    method,
    body,
    authorization === undefined ? {} : { Authorization: authorization },
  );
  return { status: response.status, cache: response.headers['x-local-authorizer'], body: response.json };
}

async function login(email: string, pass = password(email)) {
  return api('POST', '/auth/login', undefined, { username: email, password: pass });
}

beforeAll(async () => {
  local = await startLocalProcess();
  for (const user of seedUsers) {
    const response = await login(user.email);
    expect(response.status).toBe(200);
    tokens.set(user.email, response.body);
  }
  // A token that expires in one second, from the real emulator: provision the client with a
  // one-second access token lifetime, log in, then provision it back. Checked at the end of the suite.
  const reprovision = (accessTokenSeconds?: number) =>
    provision({
      endpoint: `http://127.0.0.1:${local.cognitoPort}`,
      config: configFor('dev'),
      users: [],
      accessTokenSeconds,
      extraCallbackUrls: callbackUrlsFor(local.apiPort),
    });
  await reprovision(1);
  expiringToken = (await login('admin@example.com')).body.access_token;
  expiringTokenIssuedAt = Date.now();
  await reprovision();
});

afterAll(async () => {
  await local?.stop();
});

const bearer = (email: string) => `Bearer ${tokens.get(email)!.access_token}`;

describe('group × route matrix over HTTP', () => {
  const review = { title: 'Solid', body: 'Does what it says.', rating: 4 };
  // Expected statuses, written out: 404 means "authorized, and the backend answered" (no such user or review).
  const reviewRoutes = (write: number, update: number): Array<[string, string, number, unknown?]> => [
    ['POST', '/api/reviews', write, review],
    ['PUT', '/api/reviews/r1', update, review],
    ['GET', '/api/reviews', 200],
    ['GET', '/api/reviews/r1', 404],
  ];
  const matrix: Array<[string, Array<[string, string, number, unknown?]>]> = [
    [
      'admin@example.com',
      [
        ['GET', '/api/profile', 200],
        ['GET', '/api/admin/users', 200],
        ['DELETE', '/api/admin/users/nobody@example.com', 404],
        ...reviewRoutes(403, 403),
      ],
    ],
    [
      'reviewer@example.com',
      [
        ['GET', '/api/profile', 200],
        ['GET', '/api/admin/users', 403],
        ['DELETE', '/api/admin/users/nobody@example.com', 403],
        ...reviewRoutes(201, 404),
      ],
    ],
    [
      'user@example.com',
      [
        ['GET', '/api/profile', 200],
        ['GET', '/api/admin/users', 403],
        ['DELETE', '/api/admin/users/nobody@example.com', 403],
        ...reviewRoutes(403, 403),
      ],
    ],
    [
      'multi@example.com',
      [
        ['GET', '/api/profile', 200],
        ['GET', '/api/admin/users', 403],
        ['DELETE', '/api/admin/users/nobody@example.com', 403],
        ...reviewRoutes(201, 404),
      ],
    ],
    [
      'nogroup@example.com',
      [
        ['GET', '/api/profile', 200],
        ['GET', '/api/admin/users', 403],
        ['DELETE', '/api/admin/users/nobody@example.com', 403],
        ...reviewRoutes(403, 403),
      ],
    ],
  ];

  for (const [email, calls] of matrix) {
    it(`${email}`, async () => {
      const statuses = [];
      for (const [method, path, , body] of calls) statuses.push((await api(method, path, bearer(email), body)).status);
      expect(statuses).toEqual(calls.map(([, , status]) => status));
    });
  }

  it('lists the seeded users for an admin, and profile reflects the caller', async () => {
    const users = await api('GET', '/api/admin/users', bearer('admin@example.com'));
    const emails = (users.body.users as Array<{ email: string }>).map((user) => user.email);
    expect(emails).toEqual(expect.arrayContaining(seedUsers.map((user) => user.email)));
    const profile = await api('GET', '/api/profile', bearer('multi@example.com'));
    expect(profile.body).toMatchObject({ primaryGroup: 'reviewers-group' });
    expect([...profile.body.groups].sort()).toEqual(['reviewers-group', 'user-group']);
  });
});

describe('401 cases', () => {
  it('no header, empty header, garbage, wrong scheme', async () => {
    for (const header of [undefined, '', 'Bearer garbage', `Basic ${tokens.get('admin@example.com')!.access_token}`]) {
      const response = await api('GET', '/api/profile', header);
      expect(response).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
    }
  });

  it('a forged token: right kid, issuer and client, wrong key', async () => {
    const forged = accessToken({
      issuer: local.outputs.UserPoolProviderUrl,
      clientId: local.outputs.UserPoolClientId,
      key: makeSigningKey('CognitoLocal'),
      groups: ['admin-group'],
    });
    expect((await api('GET', '/api/admin/users', `Bearer ${forged}`)).status).toBe(401);
  });

  it("another app client's token from the same pool", async () => {
    const client = cognito();
    const other = await client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: local.outputs.UserPoolId,
        ClientName: 'other-client',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'],
      }),
    );
    const auth = await client.send(
      new InitiateAuthCommand({
        ClientId: other.UserPoolClient!.ClientId!,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'admin@example.com', PASSWORD: password('admin@example.com') },
      }),
    );
    expect((await api('GET', '/api/profile', `Bearer ${auth.AuthenticationResult!.AccessToken}`)).status).toBe(401);
  });

  it('wrong password and unknown user cannot log in', async () => {
    expect((await login('admin@example.com', 'wrong-Passw0rd!')).status).toBe(401);
    expect((await login('ghost@example.com', 'Whatever-Passw0rd!')).status).toBe(401);
  });
});

describe('refresh', () => {
  it('exchanges the refresh token for a new access token that works', async () => {
    const refreshed = await api('POST', '/auth/refresh', undefined, {
      refresh_token: tokens.get('reviewer@example.com')!.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    expect(
      (await api('POST', '/api/reviews', `Bearer ${refreshed.body.access_token}`, { title: 't', body: 'b', rating: 5 }))
        .status,
    ).toBe(201);
    expect((await api('POST', '/auth/refresh', undefined, { refresh_token: 'not-a-refresh-token' })).status).toBe(401);
  });
});

describe('as API consumers meet it', () => {
  const origin = () => `http://localhost:${local.apiPort}`;

  it('answers token requests in RFC 6749 names, uncacheable, and refuses a login that is not JSON (415)', async () => {
    const response = await sendJson(`${local.apiUrl}/auth/login`, 'POST', {
      username: 'user@example.com',
      password: password('user@example.com'),
    });
    expect(Object.keys(response.json).sort()).toEqual([
      'access_token',
      'expires_in',
      'id_token',
      'refresh_token',
      'token_type',
    ]);
    expect(response.headers['cache-control']).toBe('no-store');
    const form = await send(`${local.apiUrl}/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `username=user%40example.com&password=${encodeURIComponent(password('user@example.com'))}`,
    });
    expect([form.status, form.json]).toEqual([415, { message: 'Content-Type must be application/json' }]);
  });

  it('answers CORS preflights for the origin on API_PORT, and the backends send CORS on their own answers', async () => {
    const preflight = await send(`${local.apiUrl}/api/profile`, {
      method: 'OPTIONS',
      headers: { Origin: origin(), 'Access-Control-Request-Method': 'GET' },
    });
    expect([
      preflight.status,
      preflight.headers['access-control-allow-origin'],
      preflight.headers['x-local-authorizer'],
    ]).toEqual([204, origin(), 'none']);
    const profile = await send(`${local.apiUrl}/api/profile`, {
      headers: { Origin: origin(), Authorization: bearer('user@example.com') },
    });
    expect([
      profile.status,
      profile.headers['access-control-allow-origin'],
      profile.headers['access-control-allow-credentials'],
    ]).toEqual([200, origin(), 'true']);
    const foreign = await send(`${local.apiUrl}/api/profile`, {
      headers: { Origin: 'https://evil.example', Authorization: bearer('user@example.com') },
    });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    const unauthorized = await send(`${local.apiUrl}/api/profile`, { headers: { Origin: origin() } });
    expect([unauthorized.status, unauthorized.headers['access-control-allow-origin']]).toEqual([401, origin()]);
  });

  it('refuses an admin deleting their own account (400), and writes audit lines naming who did what, never a secret', async () => {
    const self = await api('DELETE', '/api/admin/users/admin@example.com', bearer('admin@example.com'));
    expect([self.status, self.body]).toEqual([
      400,
      { message: 'An admin cannot delete their own account through the API: ask another admin' },
    ]);
    // The JSON log lines of the gateway and the Lambdas (the banner lists the seeded passwords on purpose).
    const logLines = (await local.untilStdout((stdout) => stdout.includes('"reason":"SELF_DELETE"')))
      .split('\n')
      .filter((line) => line.startsWith('{'));
    const audit = logLines.map((line) => JSON.parse(line)).filter((line) => line.message === 'audit');
    const adminSub = JSON.parse(
      Buffer.from(tokens.get('admin@example.com')!.access_token.split('.')[1], 'base64url').toString(),
    ).sub;
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'login', actor: adminSub, target: 'admin@example.com', result: 'success' }),
        expect.objectContaining({
          action: 'admin.delete_user',
          actor: adminSub,
          target: 'admin@example.com',
          result: 'rejected',
          status: 400,
          reason: 'SELF_DELETE',
        }),
      ]),
    );
    for (const secret of [
      ...seedUsers.map((user) => user.password),
      tokens.get('admin@example.com')!.access_token,
      tokens.get('admin@example.com')!.refresh_token,
    ]) {
      expect(logLines.join('\n')).not.toContain(secret);
    }
  });
});

describe('authorizer cache', () => {
  it('does not invoke the authorizer again within the TTL, and the cached policy decides other routes right', async () => {
    const fresh = (await login('reviewer@example.com')).body.access_token;
    const calls: Array<[string, string, number, string]> = [
      ['GET', '/api/profile', 200, 'invoked'],
      ['GET', '/api/profile', 200, 'hit'],
      ['GET', '/api/admin/users', 403, 'hit'],
      ['POST', '/api/reviews', 201, 'hit'],
      ['DELETE', '/api/admin/users/x', 403, 'hit'],
    ];
    for (const [method, path, status, cache] of calls) {
      const response = await api(
        method,
        path,
        `Bearer ${fresh}`,
        method === 'POST' ? { title: 't', body: 'b', rating: 1 } : undefined,
      );
      expect([method, path, response.status, response.cache]).toEqual([method, path, status, cache]);
    }
  });
});

describe('CLI against the local system', () => {
  const env = () => ({ LOCAL_DIR: local.dir });

  it('logs in, calls an admin route, shows who is logged in, refreshes and logs out', async () => {
    const loginResult = await runCli(
      ['login', '--username', 'admin@example.com', '--password', password('admin@example.com')],
      env(),
    );
    expect(loginResult).toMatchObject({ status: 0 });
    const users = await runCli(['call', 'GET', '/api/admin/users'], env());
    expect(users.status).toBe(0);
    expect(users.stdout).toContain('nogroup@example.com');
    const who = await runCli(['whoami'], env());
    expect(JSON.parse(who.stdout)).toMatchObject({
      username: expect.any(String),
      groups: ['admin-group'],
      expired: false,
    });
    expect((await runCli(['refresh'], env())).status).toBe(0);
    expect(
      await runCli(['call', 'POST', '/api/reviews', '--data', '{"title":"t","body":"b","rating":2}'], env()),
    ).toMatchObject({ status: 1 });
    expect((await runCli(['logout'], env())).status).toBe(0);
    const after = await runCli(['call', 'GET', '/api/profile'], env());
    expect(after.status).toBe(1);
    expect(after.stderr.trim().split('\n')).toHaveLength(1);
    expect(after.stderr).toMatch(/Not logged in/);
  });

  it('fails with one line on a wrong password', async () => {
    const result = await runCli(['login', '--username', 'admin@example.com', '--password', 'nope'], env());
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^cli: Login failed: Incorrect username or password/),
    ]);
  });
});

describe('expiry', () => {
  it('rejects an expired emulator token with 401', async () => {
    // The emulator stamps real time, so this waits for real time: until the token's exp (≤ issue
    // time + 1 s) plus the authorizer's clock skew plus 1 s. Time only moves forward, so however
    // slow the machine, the token is expired when the request is sent: a margin, not a race.
    const clockSkewMs = configFor('dev').authorizer.clockSkewSeconds * 1000;
    const wait = expiringTokenIssuedAt + 1000 + clockSkewMs + 1000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    expect((await api('GET', '/api/profile', `Bearer ${expiringToken}`)).status).toBe(401);
  });
});

describe('emulator down mid-run', () => {
  /** The emulator child of this local system: the node process whose working directory is its state dir. */
  function emulatorPid(): number {
    const cwd = `${local.dir}/cognito`;
    const pid = readdirSync('/proc').find((entry) => {
      try {
        return /^\d+$/.test(entry) && readlinkSync(`/proc/${entry}/cwd`) === cwd;
      } catch {
        return false;
      }
    });
    if (!pid) throw new Error(`no emulator process found in ${cwd}`);
    return Number(pid);
  }

  it('keeps authorizing valid tokens (cached JWKS), and the CLI fails in one line where Cognito is needed', async () => {
    process.kill(emulatorPid(), 'SIGKILL');
    const result = await runCli(
      ['login', '--username', 'admin@example.com', '--password', password('admin@example.com')],
      { LOCAL_DIR: local.dir },
    );
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual(['cli: Login failed: Identity service unavailable (HTTP 502)']);
    expect((await api('GET', '/api/profile', bearer('user@example.com'))).status).toBe(200);
  });
});

describe('lifecycle', () => {
  it('refuses a port in use with one line naming the port and the variable', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startLocalProcess({ apiPort: port })).rejects.toThrow(
        new RegExp(`Port ${port} is already in use: set API_PORT`),
      );
    } finally {
      blocker.close();
    }
  });

  it('stops within 2 s on SIGTERM and starts again on the same state', async () => {
    const { ms } = await local.stop();
    expect(ms).toBeLessThan(2000);
    local = await startLocalProcess({ dir: local.dir, apiPort: local.apiPort, cognitoPort: local.cognitoPort });
    expect((await login('user@example.com')).status).toBe(200);
  });
});
