/**
 * The Hosted UI's `/oauth2/token`, `/oauth2/revoke` and `/oauth2/userInfo`. The token endpoint
 * dispatches on `grant_type` through `TOKEN_GRANTS`-shaped maps: a grant is a function from the
 * authenticated client and the form to the token answer, so another grant (e.g. client_credentials)
 * is one more entry, and the discovery document lists whatever the map holds.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppClient } from 'cognito-local/lib/services/appClient';
import type { CognitoService } from 'cognito-local/lib/services/cognitoService';
import type { Context } from 'cognito-local/lib/services/context';
import { attributesToRecord } from 'cognito-local/lib/services/userPoolService';
import { NotAuthorizedError } from 'cognito-local/lib/errors';
import type { CodeStore } from './authorize';
import { basicCredentials, bearerToken, OAuthError, readBody, sendJson, sendOAuthError } from './http';
import type { Sessions } from './sessions';
import type { SigningKey } from './signing-key';
import {
  CLIENT_CREDENTIALS,
  clientCredentialsToken,
  isClientCredentialsRequest,
  type MachineClientRecord,
} from '../client-credentials';
import { issuesIdToken, USER_ADMIN_SCOPE, type IssuedTokens } from './tokens';

/** The token endpoint's JSON answer (RFC 6749 §5.1). */
export interface TokenAnswer {
  readonly access_token: string;
  readonly id_token?: string;
  readonly refresh_token?: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
}

/** One grant type: from the authenticated app client and the request's form to the answer; throws OAuthError. */
export type TokenGrant = (ctx: Context, client: AppClient, form: URLSearchParams) => Promise<TokenAnswer>;

export interface TokenEndpointDeps {
  readonly cognito: CognitoService;
  readonly sessions: Sessions;
  readonly codes: CodeStore;
}

const answerOf = (tokens: IssuedTokens): TokenAnswer => ({
  access_token: tokens.AccessToken,
  ...(tokens.IdToken ? { id_token: tokens.IdToken } : {}),
  ...(tokens.RefreshToken ? { refresh_token: tokens.RefreshToken } : {}),
  token_type: 'Bearer',
  expires_in: tokens.ExpiresIn,
});

const required = (form: URLSearchParams, name: string): string => {
  const value = form.get(name);
  if (!value) throw new OAuthError(400, 'invalid_request', `${name} is required`);
  return value;
};

const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

/** The user grants: the authorization code (with PKCE) and the refresh token. */
export function userGrants({ cognito, sessions, codes }: TokenEndpointDeps): Record<string, TokenGrant> {
  return {
    async authorization_code(ctx, client, form) {
      const grant = codes.take(required(form, 'code'));
      if (!grant || grant.clientId !== client.ClientId || grant.redirectUri !== form.get('redirect_uri'))
        throw new OAuthError(
          400,
          'invalid_grant',
          'The code is invalid, expired, used, or not for this client and redirect_uri',
        );
      if (grant.codeChallenge !== undefined && s256(form.get('code_verifier') ?? '') !== grant.codeChallenge)
        throw new OAuthError(400, 'invalid_grant', 'code_verifier does not match the code_challenge');
      const pool = await cognito.getUserPoolForClientId(ctx, client.ClientId);
      const user = await pool.getUserByUsername(ctx, grant.username);
      if (!user?.Enabled) throw new OAuthError(400, 'invalid_grant', 'The user no longer exists or is disabled');
      const tokens = await sessions.open(ctx, {
        pool,
        user,
        clientId: client.ClientId,
        scopes: grant.scopes,
        nonce: grant.nonce,
        withIdToken: grant.scopes.includes('openid'),
      });
      return answerOf(tokens);
    },
    async refresh_token(ctx, client, form) {
      try {
        const resumed = await sessions.resume(ctx, required(form, 'refresh_token'), client.ClientId);
        return answerOf(await sessions.refresh(ctx, resumed, issuesIdToken(resumed.session.scopes)));
      } catch (error) {
        if (error instanceof NotAuthorizedError) throw new OAuthError(400, 'invalid_grant', error.message);
        throw error;
      }
    },
  };
}

/** The app client the request names: HTTP Basic, else the body's `client_id`; null if none or unknown. */
async function presentedClient(
  ctx: Context,
  cognito: CognitoService,
  request: IncomingMessage,
  form: URLSearchParams,
): Promise<AppClient | null> {
  const id = basicCredentials(request)?.id ?? form.get('client_id') ?? '';
  return id ? await cognito.getAppClient(ctx, id) : null;
}

/** `client`, once the request authenticates as it: a public client by its id, a confidential one by its secret. */
function authenticated(client: AppClient | null, request: IncomingMessage, form: URLSearchParams): AppClient {
  if (!client) throw new OAuthError(400, 'invalid_client', 'Unknown client');
  if (client.ClientSecret !== undefined) {
    const secret = basicCredentials(request)?.secret ?? form.get('client_secret') ?? '';
    const given = Buffer.from(secret);
    const expected = Buffer.from(client.ClientSecret);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new OAuthError(400, 'invalid_client', 'Client authentication failed');
  }
  return client;
}

export async function tokenEndpoint(
  ctx: Context,
  deps: {
    readonly cognito: CognitoService;
    readonly grants: Readonly<Record<string, TokenGrant>>;
    readonly key: SigningKey;
    readonly endpoint: string;
  },
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const form = new URLSearchParams(await readBody(request));
  const client = await presentedClient(ctx, deps.cognito, request, form);
  const machine = client && machineClientOf(client);
  const tokenRequest = { form, headers: { authorization: request.headers.authorization } };
  // A machine client may use no other grant, and client_credentials is for machine clients only.
  if (isClientCredentialsRequest(tokenRequest, machine ? [machine] : [])) {
    const { status, headers, body } = clientCredentialsToken(tokenRequest, {
      issuer: `${deps.endpoint}/${client?.UserPoolId ?? ''}`,
      clients: machine ? [machine] : [],
      signer: deps.key,
    });
    response.writeHead(status, headers).end(body);
    return;
  }
  const grantType = form.get('grant_type') ?? '';
  const grant = Object.hasOwn(deps.grants, grantType) ? deps.grants[grantType] : undefined;
  if (!grant)
    throw new OAuthError(400, 'unsupported_grant_type', `grant_type ${grantType || '(none)'} is not supported`);
  sendJson(response, 200, await grant(ctx, authenticated(client, request, form), form));
}

/** RFC 7009: the session of a refresh token ends; an unknown or already revoked token is no error. */
export async function revokeEndpoint(
  ctx: Context,
  deps: TokenEndpointDeps,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const form = new URLSearchParams(await readBody(request));
  const client = authenticated(await presentedClient(ctx, deps.cognito, request, form), request, form);
  await deps.sessions.revoke(ctx, required(form, 'token'), client.ClientId);
  sendJson(response, 200, {});
}

/** OIDC UserInfo: the attributes of the access token's user, while its session lives. */
export async function userInfoEndpoint(
  ctx: Context,
  deps: TokenEndpointDeps,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const token = bearerToken(request);
  if (!token) return sendOAuthError(response, new OAuthError(401, 'invalid_request', 'Access token is missing'));
  let live;
  try {
    live = await deps.sessions.liveAccess(ctx, token);
  } catch (error) {
    if (!(error instanceof NotAuthorizedError)) throw error;
    return sendOAuthError(response, new OAuthError(401, 'invalid_token', error.message));
  }
  if (!live.scopes.includes('openid') && !live.scopes.includes(USER_ADMIN_SCOPE))
    return sendOAuthError(
      response,
      new OAuthError(403, 'insufficient_scope', 'The access token lacks the openid scope'),
    );
  sendJson(response, 200, { ...attributesToRecord(live.user.Attributes), username: live.user.Username });
}

const SECONDS_PER: Readonly<Record<string, number>> = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 };

/**
 * `client` as a machine client, if it is one: a secret and the client-credentials flow allowed (as
 * `npm start` provisions from lib/config/app-clients.ts).
 */
function machineClientOf(client: AppClient): MachineClientRecord | undefined {
  if (client.ClientSecret === undefined || !client.AllowedOAuthFlows?.includes(CLIENT_CREDENTIALS)) return undefined;
  const unit = SECONDS_PER[client.TokenValidityUnits?.AccessToken ?? 'hours'] ?? 3600;
  return {
    clientId: client.ClientId,
    clientSecret: client.ClientSecret,
    allowedScopes: client.AllowedOAuthScopes ?? [],
    accessTokenSeconds: (client.AccessTokenValidity ?? 1) * unit,
  };
}
