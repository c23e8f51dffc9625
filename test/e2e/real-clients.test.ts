/**
 * The local Cognito as the clients app developers use see it, against `npm start`:
 * openid-client 6 (discovery, code + PKCE + nonce with Chromium on the sign-in form, userinfo,
 * refresh, revocation), Amplify v6 with its defaults (SRP sign-in, forced refresh, sign-out, global
 * sign-out), and the AWS SDK v3: sessions keep their `origin_jti` across refreshes, and every kind
 * of sign-out holds on every refresh path.
 */
import { existsSync } from 'node:fs';
import {
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { fetchAuthSession, signIn, signOut } from 'aws-amplify/auth';
import * as oidc from 'openid-client';
import { chromium, type Browser } from 'playwright-core';
import { seedUsers } from '../../lib/local/seed-users';
import {
  configureAmplify,
  discoverPool,
  finishSignIn,
  MemoryStorage,
  startSignIn,
  type PoolOutputs,
} from '../support/app-snippets';
import { send } from '../support/http';
import { startLocalProcess, type LocalProcess } from '../support/local-process';
import { refreshPaths } from '../support/refresh-paths';

jest.setTimeout(90_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const reviewer = seedUsers.find((user) => user.groups.includes('reviewers-group'))!;
let local: LocalProcess;
let outputs: PoolOutputs;
let cognito: CognitoIdentityProviderClient;

beforeAll(async () => {
  // The bound at 0: a revoked token is refused by the API at once.
  local = await startLocalProcess({ env: { AUTHORIZER_CACHE_TTL: '0', REVOCATION_REFRESH_SECONDS: '0' } });
  outputs = local.outputs as unknown as PoolOutputs;
  cognito = new CognitoIdentityProviderClient({
    endpoint: outputs.HostedUiUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  cognito?.destroy();
  await local?.stop();
});

const claimsOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;

const profileStatus = async (accessToken: string): Promise<number> =>
  (await send(`${local.apiUrl}/api/profile`, { headers: { Authorization: `Bearer ${accessToken}` } })).status;

async function sdkSignIn(user = reviewer) {
  const { AuthenticationResult } = await cognito.send(
    new InitiateAuthCommand({
      ClientId: outputs.UserPoolClientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
    }),
  );
  return { accessToken: AuthenticationResult!.AccessToken!, refreshToken: AuthenticationResult!.RefreshToken! };
}

/** Every refresh path a client can take, each as: new access token, or the error it got. */
const REFRESH_PATHS = refreshPaths(() => ({
  cognito,
  clientId: outputs.UserPoolClientId,
  hostedUiUrl: outputs.HostedUiUrl,
  apiUrl: local.apiUrl,
}));

describe('sessions: origin_jti and every refresh path', () => {
  it('keeps one origin_jti across refreshes on every path; a new sign-in starts another', async () => {
    const first = await sdkSignIn();
    const origin = claimsOf(first.accessToken).origin_jti;
    expect(origin).toEqual(expect.any(String));
    for (const [path, refresh] of Object.entries(REFRESH_PATHS)) {
      const refreshed = await refresh(first.refreshToken);
      expect([path, claimsOf(refreshed).origin_jti]).toEqual([path, origin]);
      expect(claimsOf(refreshed).jti).not.toBe(claimsOf(first.accessToken).jti);
    }
    expect(claimsOf((await sdkSignIn()).accessToken).origin_jti).not.toBe(origin);
  });

  const signOuts: Record<string, (session: { accessToken: string; refreshToken: string }) => Promise<unknown>> = {
    RevokeToken: ({ refreshToken }) =>
      cognito.send(new RevokeTokenCommand({ ClientId: outputs.UserPoolClientId, Token: refreshToken })),
    GlobalSignOut: ({ accessToken }) => cognito.send(new GlobalSignOutCommand({ AccessToken: accessToken })),
    AdminUserGlobalSignOut: () =>
      cognito.send(new AdminUserGlobalSignOutCommand({ UserPoolId: outputs.UserPoolId, Username: reviewer.email })),
  };

  it.each(Object.keys(signOuts))(
    'after %s no refresh path yields a token, and GetUser refuses the old access token',
    async (kind) => {
      const session = await sdkSignIn();
      await signOuts[kind](session);
      for (const [path, refresh] of Object.entries(REFRESH_PATHS)) {
        await expect(refresh(session.refreshToken).then(() => `${path}: refreshed`)).rejects.toThrow();
      }
      await expect(cognito.send(new GetUserCommand({ AccessToken: session.accessToken }))).rejects.toMatchObject({
        name: 'NotAuthorizedException',
      });
    },
  );

  it('RevokeToken ends that session only; a global sign-out ends the sessions of every client app', async () => {
    const [one, other] = [await sdkSignIn(), await sdkSignIn()];
    await cognito.send(new RevokeTokenCommand({ ClientId: outputs.UserPoolClientId, Token: one.refreshToken }));
    expect(claimsOf(await REFRESH_PATHS.GetTokensFromRefreshToken(other.refreshToken)).username).toBe(reviewer.email);
    await cognito.send(new GlobalSignOutCommand({ AccessToken: other.accessToken }));
    await expect(REFRESH_PATHS.GetTokensFromRefreshToken(other.refreshToken)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
  });
});

describe('Amplify v6 with its defaults (SRP sign-in)', () => {
  const storage = new MemoryStorage();
  beforeAll(() => configureAmplify(outputs, storage));

  it('signs in by SRP, refreshes on demand with the same origin_jti, and its tokens work on the API', async () => {
    const result = await signIn({ username: reviewer.email, password: reviewer.password });
    expect(result).toMatchObject({ isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    const session = await fetchAuthSession();
    const accessToken = session.tokens!.accessToken.toString();
    expect(await profileStatus(accessToken)).toBe(200);
    const refreshed = await fetchAuthSession({ forceRefresh: true });
    const newAccessToken = refreshed.tokens!.accessToken.toString();
    expect(newAccessToken).not.toBe(accessToken);
    expect(claimsOf(newAccessToken).origin_jti).toBe(claimsOf(accessToken).origin_jti);
    expect(refreshed.tokens!.idToken!.payload.email).toBe(reviewer.email);
    expect(await profileStatus(newAccessToken)).toBe(200);
    await signOut();
  });

  it('refuses a wrong password', async () => {
    await expect(signIn({ username: reviewer.email, password: 'Wrong-Passw0rd!' })).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
  });

  it('signOut() revokes its refresh token', async () => {
    await signIn({ username: reviewer.email, password: reviewer.password });
    const refreshToken = storage.refreshToken()!;
    expect(claimsOf(await REFRESH_PATHS.GetTokensFromRefreshToken(refreshToken)).username).toBe(reviewer.email);
    await signOut();
    await expect(REFRESH_PATHS.GetTokensFromRefreshToken(refreshToken)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
  });

  it('signOut({ global: true }) signs out every session of the user', async () => {
    const elsewhere = await sdkSignIn();
    await signIn({ username: reviewer.email, password: reviewer.password });
    const refreshToken = storage.refreshToken()!;
    await signOut({ global: true });
    for (const token of [refreshToken, elsewhere.refreshToken]) {
      await expect(REFRESH_PATHS.GetTokensFromRefreshToken(token)).rejects.toMatchObject({
        name: 'NotAuthorizedException',
      });
    }
  });
});

(existsSync(CHROMIUM) ? describe : describe.skip)('openid-client 6 (Chromium on the sign-in form)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Signs in on the Hosted UI form in Chromium; resolves with the URL the browser was sent back to. */
  async function signInInBrowser(url: URL, redirectUri: string): Promise<URL> {
    const page = await browser.newPage();
    try {
      // The redirect after the form's POST is not routable in Playwright; watching the request is enough.
      const callback = page.waitForRequest((request) => request.url().startsWith(`${redirectUri}?`));
      await page.goto(url.href);
      await page.fill('input[name=username]', reviewer.email);
      await page.fill('input[name=password]', reviewer.password);
      await page.click('button[type=submit]');
      return new URL((await callback).url());
    } finally {
      await page.close();
    }
  }

  it('discovers the pool: the issuer its tokens carry, the endpoints, grants, PKCE and scopes', async () => {
    const config = await discoverPool(outputs);
    expect(config.serverMetadata()).toMatchObject({
      issuer: outputs.UserPoolProviderUrl,
      authorization_endpoint: `${outputs.HostedUiUrl}/oauth2/authorize`,
      token_endpoint: local.outputs.TokenEndpoint,
      userinfo_endpoint: `${outputs.HostedUiUrl}/oauth2/userInfo`,
      revocation_endpoint: `${outputs.HostedUiUrl}/oauth2/revoke`,
      jwks_uri: local.outputs.JwksUri,
      response_types_supported: ['code'],
      grant_types_supported: expect.arrayContaining(['authorization_code', 'refresh_token']),
      scopes_supported: expect.arrayContaining(['openid', 'email', 'profile']),
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: expect.arrayContaining(['client_secret_basic', 'client_secret_post']),
    });
  });

  it('code + PKCE + nonce, userinfo, refresh (same session), then revocation ends the session', async () => {
    const config = await discoverPool(outputs);
    const redirectUri = `http://localhost:${local.apiPort}/callback`;
    const started = await startSignIn(config, redirectUri);
    const tokens = await finishSignIn(config, await signInInBrowser(started.url, redirectUri), started);
    const idClaims = tokens.claims()!;
    expect(idClaims).toMatchObject({ nonce: started.nonce, iss: outputs.UserPoolProviderUrl, email: reviewer.email });
    expect(await profileStatus(tokens.access_token)).toBe(200);

    const userInfo = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
    expect(userInfo).toMatchObject({ sub: idClaims.sub, email: reviewer.email, username: reviewer.email });

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(claimsOf(refreshed.access_token).origin_jti).toBe(claimsOf(tokens.access_token).origin_jti);
    expect(await profileStatus(refreshed.access_token)).toBe(200);

    await oidc.tokenRevocation(config, tokens.refresh_token!);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(oidc.fetchUserInfo(config, refreshed.access_token, idClaims.sub)).rejects.toThrow();
  });

  it('a nonce that does not match is refused by the client', async () => {
    const config = await discoverPool(outputs);
    const redirectUri = `http://localhost:${local.apiPort}/callback`;
    const started = await startSignIn(config, redirectUri);
    const callback = await signInInBrowser(started.url, redirectUri);
    const refused = await finishSignIn(config, callback, { ...started, nonce: oidc.randomNonce() }).then(
      () => undefined,
      (error: unknown) => error,
    );
    // openid-client's error wraps the check that failed: find the claim it names.
    const claims: unknown[] = [];
    for (let cause = refused; typeof cause === 'object' && cause !== null; cause = (cause as { cause?: unknown }).cause)
      claims.push((cause as { claim?: unknown }).claim);
    expect(claims).toContain('nonce');
  });

  it('after AdminUserGlobalSignOut (what sign-out everywhere calls) refreshTokenGrant is refused', async () => {
    const config = await discoverPool(outputs);
    const redirectUri = `http://localhost:${local.apiPort}/callback`;
    const started = await startSignIn(config, redirectUri);
    const tokens = await finishSignIn(config, await signInInBrowser(started.url, redirectUri), started);
    await cognito.send(new AdminUserGlobalSignOutCommand({ UserPoolId: outputs.UserPoolId, Username: reviewer.email }));
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });
});
