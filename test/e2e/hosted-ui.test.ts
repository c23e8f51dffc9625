/**
 * The Hosted UI authorization-code + PKCE flow end to end on the local system: the emulator's
 * /oauth2/authorize (acting as the browser here), the API's POST /auth/token exchange, and the
 * resulting access token on /api/profile. Also the CLI's `login --hosted` with its loopback redirect.
 */
import { spawn } from 'node:child_process';
import { configFor } from '../../lib/config/app-config';
import { challengeFor, createVerifier } from '../../lib/cli/pkce';
import { seedUsers } from '../../lib/local/seed-users';
import { send, sendJson } from '../support/http';
import { PROJECT_ROOT, RUN_TS, runCli, startLocalProcess, type LocalProcess } from '../support/local-process';

jest.setTimeout(60_000);

const config = configFor('dev');
const CLI_REDIRECT = `http://localhost:${config.local.cliCallbackPort}/callback`;
const reviewer = seedUsers.find((user) => user.groups.includes('reviewers-group'))!;
let local: LocalProcess;

beforeAll(async () => {
  local = await startLocalProcess();
});
afterAll(async () => {
  await local?.stop();
});

/** Does what the browser does on the Hosted UI: load the form, submit credentials, return the redirect. */
async function signInAsBrowser(authorizeUrl: string, username: string, password: string): Promise<URL> {
  const form = await send(authorizeUrl);
  expect(form.status).toBe(200);
  const query = new URL(authorizeUrl).searchParams;
  const fields = new URLSearchParams({ username, password });
  for (const name of [
    'client_id',
    'redirect_uri',
    'response_type',
    'code_challenge',
    'code_challenge_method',
    'scope',
    'state',
  ]) {
    fields.set(name, query.get(name) ?? '');
  }
  const submitted = await send(new URL('/oauth2/authorize', authorizeUrl).href, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
  });
  expect(submitted.status).toBe(302);
  return new URL(submitted.headers.location!);
}

function authorizeUrl(challenge: string, redirectUri: string): string {
  return `${local.outputs.HostedUiUrl}/oauth2/authorize?${new URLSearchParams({
    client_id: local.outputs.UserPoolClientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: config.hostedUi.scopes.join(' '),
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'test-state',
  }).toString()}`;
}

async function codeFor(verifier: string, redirectUri = CLI_REDIRECT): Promise<string> {
  const redirect = await signInAsBrowser(
    authorizeUrl(challengeFor(verifier), redirectUri),
    reviewer.email,
    reviewer.password,
  );
  expect(redirect.searchParams.get('state')).toBe('test-state');
  return redirect.searchParams.get('code')!;
}

async function exchange(body: Record<string, string>) {
  const response = await sendJson(`${local.apiUrl}/auth/token`, 'POST', body);
  return { status: response.status, body: response.json as Record<string, string>, cookies: response.cookies };
}

describe('POST /auth/token against the local Hosted UI stand-in', () => {
  it('exchanges a code with the right verifier; the access token works; the code cannot be replayed', async () => {
    const verifier = createVerifier();
    const code = await codeFor(verifier);
    const first = await exchange({ code, code_verifier: verifier, redirect_uri: CLI_REDIRECT });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      access_token: expect.any(String),
      id_token: expect.any(String),
      token_type: 'Bearer',
    });
    expect(first.body.refresh_token).toBeUndefined();
    expect(first.cookies.join(';')).toMatch(/refresh_token=.+HttpOnly.*/);

    const profile = await send(`${local.apiUrl}/api/profile`, {
      headers: { Authorization: `Bearer ${first.body.access_token}` },
    });
    expect(profile.status).toBe(200);
    expect(profile.json).toMatchObject({ primaryGroup: 'reviewers-group' });

    const replay = await exchange({ code, code_verifier: verifier, redirect_uri: CLI_REDIRECT });
    expect(replay.status).toBe(400);
  });

  it('rejects a wrong verifier', async () => {
    const code = await codeFor(createVerifier());
    expect((await exchange({ code, code_verifier: createVerifier(), redirect_uri: CLI_REDIRECT })).status).toBe(400);
  });

  it('rejects a redirect_uri other than the one the code was issued for', async () => {
    const verifier = createVerifier();
    const code = await codeFor(verifier, CLI_REDIRECT);
    const other = config.hostedUi.callbackUrls.find((url) => url !== CLI_REDIRECT)!;
    expect((await exchange({ code, code_verifier: verifier, redirect_uri: other })).status).toBe(400);
  });
});

describe('signing out of a Hosted UI session', () => {
  it('revokes the refresh token the cookie carries to POST /auth/logout (the cookie is sent to /auth), and clears the cookie', async () => {
    const verifier = createVerifier();
    const tokens = await exchange({
      code: await codeFor(verifier),
      code_verifier: verifier,
      redirect_uri: CLI_REDIRECT,
    });
    const cookie = tokens.cookies.find((value) => value.startsWith('refresh_token='))!;
    expect(cookie).toMatch(/; Path=\/auth;/);
    const pair = cookie.split(';')[0];
    const logout = await send(`${local.apiUrl}/auth/logout`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${tokens.body.access_token}`, Cookie: pair },
    });
    expect([logout.status, logout.json]).toEqual([200, { revoked: 'session' }]);
    expect(logout.cookies).toEqual(['refresh_token=; HttpOnly; Secure; SameSite=Strict; Path=/auth; Max-Age=0']);
    expect((await send(`${local.apiUrl}/auth/refresh`, { method: 'POST', headers: { Cookie: pair } })).status).toBe(
      401,
    );
  });

  it("then sends the browser to the Hosted UI's /logout, which redirects only to a registered logout URL of this client", async () => {
    const logoutUrl = (clientId: string, logoutUri: string) =>
      `${local.outputs.HostedUiUrl}/logout?${new URLSearchParams({ client_id: clientId, logout_uri: logoutUri }).toString()}`;
    const registered = `http://localhost:${local.apiPort}/`;
    const ok = await send(logoutUrl(local.outputs.UserPoolClientId, registered));
    expect([ok.status, ok.headers.location]).toEqual([302, registered]);
    expect((await send(logoutUrl(local.outputs.UserPoolClientId, 'https://evil.example/'))).status).toBe(400);
    expect((await send(logoutUrl('another-client', registered))).status).toBe(400);
  });
});

describe('cli login --hosted', () => {
  it('completes the PKCE flow through a loopback redirect and saves tokens that work', async () => {
    const env = { ...process.env, LOCAL_DIR: local.dir };
    const cli = spawn(process.execPath, [...RUN_TS, 'lib/cli/main.ts', 'login', '--hosted', '--timeout', '30'], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const authorize = await new Promise<string>((resolve, reject) => {
      cli.stderr.on('data', (chunk) => {
        stderr += chunk;
        const match = /(http\S+\/oauth2\/authorize\S+)/.exec(stderr);
        if (match) resolve(match[1]);
      });
      cli.once('exit', (code) => reject(new Error(`cli exited ${code}: ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
    const redirect = await signInAsBrowser(authorize, reviewer.email, reviewer.password);
    expect(`${redirect.origin}${redirect.pathname}`).toBe(CLI_REDIRECT);
    expect((await send(redirect.href)).status).toBe(200);
    expect(await exited).toBe(0);

    const call = await runCli(['call', 'POST', '/api/reviews', '--data', '{"title":"t","body":"b","rating":3}'], {
      LOCAL_DIR: local.dir,
    });
    expect(call.status).toBe(0);
    expect((await runCli(['refresh'], { LOCAL_DIR: local.dir })).status).toBe(0);
  });
});
