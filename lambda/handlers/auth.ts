/**
 * Public auth routes; every token answer uses the OAuth 2.0 names (RFC 6749 §5.1) and no answer
 * may be cached (`Cache-Control: no-store`):
 *   POST /auth/login    { username, password }                  → { access_token, id_token, refresh_token, expires_in, token_type }
 *   POST /auth/refresh  { refresh_token } or the refresh cookie → { access_token, id_token, expires_in, token_type }
 *   POST /auth/token    { code, code_verifier, redirect_uri }   → { access_token, id_token, expires_in, token_type } + the refresh cookie
 *   POST /auth/logout   Bearer access token; { refreshToken?, everywhere? } → { revoked } (lambda/auth/logout.ts)
 * Each writes one audit line (who logged in or out, how it ended). Never logs passwords, codes, verifiers or tokens.
 */
import {
  InitiateAuthCommand,
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { RuntimeEnv } from '../../lib/contracts/runtime-env';
import { logout, type LogoutDeps } from '../auth/logout';
import { REFRESH_REFUSED, refusedAfterSignOut } from '../auth/refresh-check';
import { createSessionVerifier } from '../auth/session-verifier';
import { refreshCookieFrom, setRefreshCookie } from '../auth/refresh-cookie';
import { createBackend, type BackendDefinition } from '../shared/backend';
import { readAuthEnv } from '../shared/backend-env';
import { boundedRequest } from '../shared/bounded-request';
import { createCognitoClient } from '../../lib/clients/cognito-client';
import { cognitoErrorResult } from '../shared/cognito-errors';
import { audit, type AuditAction, type Audited } from '../shared/audit';
import { badRequest, isResult, json, parseJsonBody, stringField, type ProxyResult } from '../shared/http';
import { parseJsonObject, type JsonObject } from '../../lib/contracts/json';
import type { Logger } from '../shared/logger';
import { revocationStoreFromEnv } from '../revocation/store';
import { decodeClaims, expiresAt } from '../../lib/contracts/jwt-claims';

interface AuthDeps extends LogoutDeps {
  readonly cognito: CognitoIdentityProviderClient;
  readonly userPoolClientId: string;
  /** The Hosted UI token endpoint; undefined when the Hosted UI is not configured. */
  readonly tokenEndpoint: string | undefined;
  /** Redirect URIs `/auth/token` accepts (the client's callback URLs). */
  readonly callbackUrls: ReadonlySet<string>;
  readonly refreshTokenDays: number;
}

function readAuthDeps(env: RuntimeEnv): AuthDeps {
  const { userPoolId, userPoolClientId, tokenEndpoint, callbackUrls, refreshTokenDays } = readAuthEnv(env);
  return {
    cognito: createCognitoClient(env),
    userPoolId,
    userPoolClientId,
    tokenEndpoint,
    callbackUrls,
    refreshTokenDays,
    verifySession: createSessionVerifier(env),
    revocations: revocationStoreFromEnv(env),
    now: Date.now,
  };
}

const TOKEN_ENDPOINT_TIMEOUT_MS = 5000;
/** RFC 7636 §4.1: 43–128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~". */
const VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;
/** Cognito codes are opaque; bound them to a sane size and alphabet. */
const CODE_PATTERN = /^[A-Za-z0-9\-._~]{1,512}$/;
/** Cognito answers these for bad credentials; unknown users must look the same (no user enumeration). */
const BAD_CREDENTIALS: Readonly<Record<string, [number, string]>> = {
  NotAuthorizedException: [401, 'Incorrect username or password'],
  UserNotFoundException: [401, 'Incorrect username or password'],
  // The emulator answers a wrong password with this; Cognito with NotAuthorizedException.
  InvalidPasswordException: [401, 'Incorrect username or password'],
};
const BAD_REFRESH: Readonly<Record<string, [number, string]>> = {
  NotAuthorizedException: [401, REFRESH_REFUSED],
  UserNotFoundException: [401, REFRESH_REFUSED],
};

/** RFC 6749 §5.1: token answers must not be stored by caches; nor are the errors of these routes. */
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

type AuthRoute = (event: APIGatewayProxyEvent, deps: AuthDeps, logger: Logger) => Promise<Audited>;

const ROUTES: ReadonlyMap<string, [AuditAction, AuthRoute]> = new Map([
  ['/auth/login', ['login', login]],
  ['/auth/refresh', ['refresh', refresh]],
  ['/auth/token', ['code_exchange', exchangeCode]],
  ['/auth/logout', ['logout', logout]],
]);

export const authBackend: BackendDefinition<AuthDeps> = {
  service: 'auth',
  init: readAuthDeps,
  async handle(event, deps, { logger }) {
    const route = ROUTES.get(event.resource);
    if (!route) return json(404, { message: 'Not found' });
    const [action, run] = route;
    const result = audit(logger, action, await run(event, deps, logger));
    return { ...result, headers: { ...result.headers, ...NO_STORE } };
  },
};

/** The token answer of every route, in RFC 6749 §5.1 names; `refresh_token` only when given. */
interface TokenAnswer {
  readonly access_token: string;
  readonly id_token?: string;
  readonly refresh_token?: string;
  readonly expires_in: number;
  readonly token_type: string;
}

/** An answer with tokens, audited as the user they were issued to (claims read from Cognito's own answer). */
function issued(tokens: TokenAnswer, headers: Record<string, string> = {}): Audited {
  const claims = decodeClaims(tokens.access_token) ?? {};
  return {
    result: json(200, tokens, headers),
    actor: typeof claims.sub === 'string' ? claims.sub : undefined,
    target: typeof claims.username === 'string' ? claims.username : undefined,
  };
}

/** Seconds until the access token expires: Cognito's `expires_in`, else the token's own `exp` (the emulator omits it). */
function expiresIn(given: unknown, accessToken: string): number {
  if (typeof given === 'number' && Number.isInteger(given) && given >= 0) return given;
  return Math.max(0, expiresAt(accessToken) - Math.floor(Date.now() / 1000));
}

function login(event: APIGatewayProxyEvent, deps: AuthDeps, logger: Logger): Promise<Audited> {
  const body = parseJsonBody(event);
  if (isResult(body)) return Promise.resolve({ result: body });
  const username = stringField(body, 'username', 128);
  const password = stringField(body, 'password', 256);
  if (!username || !password)
    return Promise.resolve({ result: badRequest('username and password must be non-empty strings'), target: username });
  return initiateAuth(
    deps,
    logger,
    'USER_PASSWORD_AUTH',
    { USERNAME: username, PASSWORD: password },
    BAD_CREDENTIALS,
  ).then((audited) => ({
    ...audited,
    target: audited.target ?? username,
  }));
}

function refresh(event: APIGatewayProxyEvent, deps: AuthDeps, logger: Logger): Promise<Audited> {
  const body: JsonObject | ProxyResult = event.body ? parseJsonBody(event) : {};
  if (isResult(body)) return Promise.resolve({ result: body });
  const refreshToken =
    stringField(body, 'refresh_token', 8192) ?? stringField(body, 'refreshToken', 8192) ?? refreshCookieFrom(event);
  if (!refreshToken)
    return Promise.resolve({ result: badRequest('refresh_token is required (in the body, or the refresh cookie)') });
  return initiateAuth(deps, logger, 'REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: refreshToken }, BAD_REFRESH, (accessToken) =>
    refusedAfterSignOut(deps, logger, refreshToken, accessToken),
  );
}

async function initiateAuth(
  { cognito, userPoolClientId }: AuthDeps,
  logger: Logger,
  flow: 'USER_PASSWORD_AUTH' | 'REFRESH_TOKEN_AUTH',
  parameters: Record<string, string>,
  errors: Readonly<Record<string, [number, string]>>,
  /** Runs on the tokens Cognito issued before they are handed out; an answer it returns replaces them. */
  refuse: (accessToken: string) => Promise<Audited | undefined> = () => Promise.resolve(undefined),
): Promise<Audited> {
  let result: AuthenticationResultType | undefined;
  try {
    const response = await cognito.send(
      new InitiateAuthCommand({ ClientId: userPoolClientId, AuthFlow: flow, AuthParameters: parameters }),
    );
    result = response.AuthenticationResult;
    if (!result && response.ChallengeName) {
      logger.log('WARN', 'auth challenge not supported', { flow, challenge: response.ChallengeName });
      const message = `Sign-in needs ${response.ChallengeName}: complete it through the Hosted UI`;
      return { result: json(403, { message, challenge: response.ChallengeName }), reason: 'CHALLENGE_REQUIRED' };
    }
  } catch (error) {
    return { result: cognitoErrorResult(error, logger, flow, errors) };
  }
  if (!result?.AccessToken) return { result: json(502, { message: 'Identity service returned no tokens' }) };
  const refused = await refuse(result.AccessToken);
  if (refused) return refused;
  return issued({
    access_token: result.AccessToken,
    id_token: result.IdToken,
    refresh_token: result.RefreshToken,
    expires_in: expiresIn(result.ExpiresIn, result.AccessToken),
    token_type: result.TokenType ?? 'Bearer',
  });
}

/** The code exchange's fields, checked before anything is sent to the token endpoint. */
function codeExchangeFields(body: JsonObject, callbackUrls: ReadonlySet<string>): Record<string, string> | ProxyResult {
  const { code, code_verifier: verifier, redirect_uri: redirectUri } = body;
  if (typeof code !== 'string' || !CODE_PATTERN.test(code))
    return badRequest('code must be the authorization code from the redirect');
  if (typeof verifier !== 'string' || !VERIFIER_PATTERN.test(verifier)) {
    return badRequest('code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636)');
  }
  if (typeof redirectUri !== 'string' || !callbackUrls.has(redirectUri))
    return badRequest('redirect_uri is not a registered callback URL');
  return { code, code_verifier: verifier, redirect_uri: redirectUri };
}

async function exchangeCode(event: APIGatewayProxyEvent, deps: AuthDeps, logger: Logger): Promise<Audited> {
  const body = parseJsonBody(event);
  if (isResult(body)) return { result: body };
  const fields = codeExchangeFields(body, deps.callbackUrls);
  if (isResult(fields)) return { result: fields };
  const { tokenEndpoint } = deps;
  if (!tokenEndpoint)
    return { result: json(503, { message: 'Hosted UI is not configured' }), reason: 'HOSTED_UI_NOT_CONFIGURED' };

  let status: number;
  let answer: JsonObject;
  try {
    const response = await boundedRequest(tokenEndpoint, {
      method: 'POST',
      timeoutMs: TOKEN_ENDPOINT_TIMEOUT_MS,
      maxResponseBytes: 64 * 1024,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: deps.userPoolClientId,
        ...fields,
      }).toString(),
    });
    status = response.status;
    answer = parseJsonObject(response.body.toString('utf8')) ?? {};
  } catch (error) {
    logger.log('ERROR', 'token endpoint unreachable', { reason: error instanceof Error ? error.message : 'Unknown' });
    return { result: json(502, { message: 'Identity service unavailable' }) };
  }
  return tokenEndpointResult(event, logger, status, answer, deps.refreshTokenDays);
}

function tokenEndpointResult(
  event: APIGatewayProxyEvent,
  logger: Logger,
  status: number,
  answer: JsonObject,
  refreshDays: number,
): Audited {
  const error = typeof answer.error === 'string' ? answer.error : undefined;
  if (status === 200 && typeof answer.access_token === 'string') {
    const headers: Record<string, string> = {};
    // The refresh token never reaches page scripts: HttpOnly, sent only to the auth routes.
    if (typeof answer.refresh_token === 'string')
      headers['Set-Cookie'] = setRefreshCookie(event, answer.refresh_token, refreshDays);
    const tokens = {
      access_token: answer.access_token,
      id_token: typeof answer.id_token === 'string' ? answer.id_token : undefined,
      expires_in: expiresIn(answer.expires_in, answer.access_token),
      token_type: typeof answer.token_type === 'string' ? answer.token_type : 'Bearer',
    };
    return issued(tokens, headers);
  }
  logger.log('WARN', 'code exchange rejected', { status, error: error ?? 'none' });
  if (status >= 500 || status === 0) return { result: json(502, { message: 'Identity service unavailable' }) };
  if (error === 'invalid_client' || error === 'unauthorized_client') {
    return {
      result: json(401, { message: 'Client is not allowed to exchange codes', error }),
      reason: 'CLIENT_NOT_ALLOWED',
    };
  }
  const message = 'The code is invalid, expired or already used, or the verifier or redirect_uri does not match';
  return { result: json(400, { message, error: error ?? 'invalid_request' }), reason: 'CODE_REJECTED' };
}

export const handler = createBackend(authBackend);
