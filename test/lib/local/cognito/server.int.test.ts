/**
 * The local Cognito's own answers to bad or refused requests, over HTTP against its process
 * (provisioned as `npm start` provisions it). The happy paths with real clients are in
 * test/e2e/real-clients.test.ts.
 */
import {
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  CognitoIdentityProviderClient,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { challengeFor, createVerifier } from '../../../../lib/cli/pkce';
import { configFor } from '../../../../lib/config/app-config';
import { seedUsers } from '../../../../lib/local/seed-users';
import { startTestEmulator, type TestEmulator } from '../../../support/emulator';
import { send, type TestResponse } from '../../../support/http';

jest.setTimeout(60_000);

const [redirectUri] = configFor('dev').hostedUi.callbackUrls;
const user = seedUsers.find((candidate) => candidate.groups.includes('user-group'))!;
let emulator: TestEmulator;
let cognito: CognitoIdentityProviderClient;

beforeAll(async () => {
  emulator = await startTestEmulator();
  cognito = new CognitoIdentityProviderClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  cognito?.destroy();
  await emulator?.stop();
});

const form = (url: string, fields: Record<string, string>): Promise<TestResponse> =>
  send(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

const authorizeQuery = (extra: Record<string, string> = {}) => ({
  client_id: emulator.pool.userPoolClientId,
  response_type: 'code',
  redirect_uri: redirectUri,
  scope: 'openid email',
  state: 'st-1',
  ...extra,
});

async function hostedUiCode(verifier: string): Promise<string> {
  const answer = await form(`${emulator.endpoint}/oauth2/authorize`, {
    ...authorizeQuery({ code_challenge: challengeFor(verifier), code_challenge_method: 'S256' }),
    username: user.email,
    password: user.password,
  });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.location!).searchParams.get('code')!;
}

const redeem = (code: string, verifier: string) =>
  form(`${emulator.endpoint}/oauth2/token`, {
    grant_type: 'authorization_code',
    client_id: emulator.pool.userPoolClientId,
    code,
    code_verifier: verifier,
    redirect_uri: redirectUri,
  });

const passwordSignIn = (password = user.password) =>
  cognito.send(
    new InitiateAuthCommand({
      ClientId: emulator.pool.userPoolClientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: user.email, PASSWORD: password },
    }),
  );

describe('discovery and keys', () => {
  it('serves the JWKS whose key signs the tokens; a pool that does not exist is a 404', async () => {
    const jwks = await send(emulator.pool.jwksUri);
    const { AuthenticationResult } = await passwordSignIn();
    const { kid } = JSON.parse(Buffer.from(AuthenticationResult!.AccessToken!.split('.')[0], 'base64url').toString());
    expect((jwks.json as { keys: { kid: string }[] }).keys.map((key) => key.kid)).toEqual([kid]);
    expect((await send(`${emulator.endpoint}/local_nope/.well-known/openid-configuration`)).status).toBe(404);
  });
});

describe('/oauth2/authorize', () => {
  const authorizeUrl = (extra: Record<string, string> = {}) =>
    `${emulator.endpoint}/oauth2/authorize?${new URLSearchParams(authorizeQuery(extra)).toString()}`;

  it('answers an unknown client or an unregistered redirect_uri itself, with a 400', async () => {
    expect((await send(authorizeUrl({ client_id: 'nope' }))).status).toBe(400);
    expect((await send(authorizeUrl({ redirect_uri: 'https://evil.example/cb' }))).status).toBe(400);
  });

  it('sends other errors back to the app, with its state', async () => {
    for (const [extra, error] of [
      [{ scope: 'openid admin' }, 'invalid_scope'],
      [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ code_challenge: 'abc', code_challenge_method: 'plain' }, 'invalid_request'],
    ] as const) {
      const answer = await send(authorizeUrl(extra));
      const back = new URL(answer.headers.location!);
      expect([
        answer.status,
        back.origin + back.pathname,
        back.searchParams.get('error'),
        back.searchParams.get('state'),
      ]).toEqual([302, redirectUri, error, 'st-1']);
    }
  });

  it('escapes what it reflects into the sign-in form', async () => {
    const page = await send(authorizeUrl({ state: '"><script>alert(1)</script>' }));
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('<script>');
    expect(page.text).toContain('&#34;&#62;&#60;script&#62;');
  });

  it('shows the form again for a wrong password, and gives no code', async () => {
    const answer = await form(`${emulator.endpoint}/oauth2/authorize`, {
      ...authorizeQuery(),
      username: user.email,
      password: 'nope',
    });
    expect([answer.status, answer.text.includes('Incorrect username or password.')]).toEqual([200, true]);
  });
});

describe('/oauth2/token', () => {
  it('redeems a code once, with the right verifier only', async () => {
    const verifier = createVerifier();
    const code = await hostedUiCode(verifier);
    expect([(await redeem(code, createVerifier())).json]).toEqual([
      expect.objectContaining({ error: 'invalid_grant' }),
    ]);
    // A failed redemption used the code up, as a replay would.
    expect((await redeem(code, verifier)).json).toMatchObject({ error: 'invalid_grant' });
    const fresh = createVerifier();
    const tokens = await redeem(await hostedUiCode(fresh), fresh);
    expect([tokens.status, tokens.headers['cache-control']]).toEqual([200, 'no-store']);
  });

  it('refuses an unknown grant type and an unknown client', async () => {
    const base = `${emulator.endpoint}/oauth2/token`;
    expect(
      (await form(base, { grant_type: 'password', client_id: emulator.pool.userPoolClientId })).json,
    ).toMatchObject({
      error: 'unsupported_grant_type',
    });
    expect(
      (await form(base, { grant_type: 'refresh_token', client_id: 'nope', refresh_token: 'x' })).json,
    ).toMatchObject({
      error: 'invalid_client',
    });
  });
});

describe('sessions and scopes', () => {
  it('refuses GlobalSignOut with a Hosted UI token (no aws.cognito.signin.user.admin), as Cognito does; userInfo serves it', async () => {
    const verifier = createVerifier();
    const tokens = (await redeem(await hostedUiCode(verifier), verifier)).json as { access_token: string };
    await expect(cognito.send(new GlobalSignOutCommand({ AccessToken: tokens.access_token }))).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
    const info = await send(`${emulator.endpoint}/oauth2/userInfo`, {
      headers: { Authorization: `Bearer ${tokens.access_token}` },
    });
    expect([info.status, info.json]).toEqual([
      200,
      expect.objectContaining({ email: user.email, username: user.email }),
    ]);
    const anonymous = await send(`${emulator.endpoint}/oauth2/userInfo`);
    expect([anonymous.status, anonymous.headers['www-authenticate']]).toEqual([401, expect.stringContaining('Bearer')]);
  });

  it('answers a wrong password as Cognito does, and refuses to revoke a token that is not one of its own', async () => {
    await expect(passwordSignIn('Wrong-Passw0rd!')).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await expect(
      cognito.send(new RevokeTokenCommand({ ClientId: emulator.pool.userPoolClientId, Token: 'not-a-token' })),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('refuses a disabled user’s sign-in and refresh', async () => {
    const { AuthenticationResult } = await passwordSignIn();
    const username = { UserPoolId: emulator.pool.userPoolId, Username: user.email };
    await cognito.send(new AdminDisableUserCommand(username));
    try {
      await expect(passwordSignIn()).rejects.toMatchObject({
        name: 'NotAuthorizedException',
        message: 'User is disabled.',
      });
      await expect(
        cognito.send(
          new InitiateAuthCommand({
            ClientId: emulator.pool.userPoolClientId,
            AuthFlow: 'REFRESH_TOKEN_AUTH',
            AuthParameters: { REFRESH_TOKEN: AuthenticationResult!.RefreshToken! },
          }),
        ),
      ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    } finally {
      await cognito.send(new AdminEnableUserCommand(username));
    }
  });
});
