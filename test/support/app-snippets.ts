/**
 * "Use it from your app": the snippets docs/notes/issue-26.md and docs/deploy.md › The identity pool quote, as code
 * the e2e tests run (test/e2e/real-clients.test.ts, test/e2e/identity-pool.test.ts) against `npm start`.
 * Keep them in step.
 */
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { Amplify } from 'aws-amplify';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import type { KeyValueStorageInterface } from 'aws-amplify/utils';
import * as oidc from 'openid-client';

/** The local system's outputs (`.local/outputs.json`, the same keys as the deployed stacks'). */
export interface PoolOutputs {
  readonly UserPoolId: string;
  readonly UserPoolClientId: string;
  readonly UserPoolProviderUrl: string;
  readonly HostedUiUrl: string;
}

// --- openid-client 6: discovery from the issuer (http needs allowInsecureRequests, locally only) ---
export async function discoverPool(outputs: PoolOutputs): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(outputs.UserPoolProviderUrl), outputs.UserPoolClientId, undefined, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
}

// --- openid-client 6: the authorization request (code + PKCE + nonce) ---
export async function startSignIn(config: oidc.Configuration, redirectUri: string) {
  const verifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
    state,
  });
  return { url, verifier, nonce, state };
}

// --- openid-client 6: back on the redirect URI, the code for tokens (nonce and state checked) ---
export function finishSignIn(
  config: oidc.Configuration,
  callbackUrl: URL,
  started: { verifier: string; nonce: string; state: string },
) {
  return oidc.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: started.verifier,
    expectedNonce: started.nonce,
    expectedState: started.state,
  });
}

// --- Amplify v6: its defaults, with only the endpoint pointed at the local Cognito ---
export function configureAmplify(outputs: PoolOutputs, storage?: KeyValueStorageInterface): void {
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: outputs.UserPoolId,
        userPoolClientId: outputs.UserPoolClientId,
        userPoolEndpoint: outputs.HostedUiUrl,
      },
    },
  });
  // In a browser Amplify keeps tokens in localStorage; Node has none, so tests hand it a storage.
  if (storage) cognitoUserPoolsTokenProvider.setKeyValueStorage(storage);
}

/** Amplify's token storage in memory (a Node shim): tests read the refresh token Amplify holds. */
export class MemoryStorage implements KeyValueStorageInterface {
  private readonly items = new Map<string, string>();
  setItem(key: string, value: string): Promise<void> {
    this.items.set(key, value);
    return Promise.resolve();
  }
  getItem(key: string): Promise<string | null> {
    return Promise.resolve(this.items.get(key) ?? null);
  }
  removeItem(key: string): Promise<void> {
    this.items.delete(key);
    return Promise.resolve();
  }
  clear(): Promise<void> {
    this.items.clear();
    return Promise.resolve();
  }
  /** The refresh token Amplify stored, if any. */
  refreshToken(): string | undefined {
    return [...this.items].find(([key]) => key.endsWith('.refreshToken'))?.[1];
  }
}

/** The identity pool's outputs; `CognitoIdentityEndpoint` exists only locally. */
export interface IdentityPoolOutputs {
  readonly IdentityPoolId: string;
  readonly UserPoolProviderUrl: string;
  readonly CognitoIdentityEndpoint?: string;
}

// --- AWS SDK v3: the signed-in user's AWS credentials (their group's role) from the identity pool ---
export function identityPoolCredentials(outputs: IdentityPoolOutputs, idToken: string) {
  return fromCognitoIdentityPool({
    identityPoolId: outputs.IdentityPoolId,
    // The ID token under its issuer without the scheme: cognito-idp.<region>.amazonaws.com/<userPoolId> when deployed.
    logins: { [outputs.UserPoolProviderUrl.replace(/^https?:\/\//, '')]: idToken },
    // The pool id starts with its region. Deployed, leave `endpoint` out.
    clientConfig: { region: outputs.IdentityPoolId.split(':')[0], endpoint: outputs.CognitoIdentityEndpoint },
  });
}
