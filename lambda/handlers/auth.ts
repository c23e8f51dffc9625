/**
 * Public auth routes:
 *   POST /auth/login    { username, password }         → Cognito tokens (USER_PASSWORD_AUTH)
 *   POST /auth/refresh  { refreshToken } or the cookie → new tokens (REFRESH_TOKEN_AUTH)
 *   POST /auth/token    { code, code_verifier, redirect_uri } → Hosted UI code exchange (PKCE)
 * Never logs passwords, codes, verifiers or tokens.
 */
import {
  InitiateAuthCommand,
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ENV, type RuntimeEnv } from '../../lib/config/runtime-env';
import { createBackend, type BackendDefinition } from '../shared/backend';
import { readBackendEnv } from '../shared/backend-env';
import { boundedRequest } from '../shared/bounded-request';
import { createCognitoClient } from '../shared/cognito-client';
import { cognitoErrorResult } from '../shared/cognito-errors';
import { badRequest, isResult, json, parseJsonBody, stringField, type ProxyResult } from '../shared/http';
import { parseJsonObject } from '../shared/json';
import type { Logger } from '../shared/logger';
import { expiresAt } from '../shared/unverified-claims';

interface AuthDeps {
  readonly cognito: CognitoIdentityProviderClient;
  readonly userPoolClientId: string;
  /** The Hosted UI token endpoint; undefined when the Hosted UI is not configured. */
  readonly tokenEndpoint: string | undefined;
  /** Redirect URIs `/auth/token` accepts (the client's callback URLs). */
  readonly callbackUrls: ReadonlySet<string>;
  readonly refreshTokenDays: number;
}

function readAuthEnv(env: RuntimeEnv): AuthDeps {
  const backend = readBackendEnv(env);
  return {
    cognito: createCognitoClient(env),
    userPoolClientId: backend.userPoolClientId,
    tokenEndpoint: env[ENV.tokenEndpoint],
    callbackUrls: new Set((env[ENV.callbackUrls] ?? backend.config.hostedUi.callbackUrls.join(',')).split(',').filter(Boolean)),
    refreshTokenDays: backend.config.tokens.refreshTokenDays,
  };
}

const TOKEN_ENDPOINT_TIMEOUT_MS = 5000;
const REFRESH_COOKIE = 'refresh_token';
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
  NotAuthorizedException: [401, 'Refresh token is invalid, expired or revoked'],
  UserNotFoundException: [401, 'Refresh token is invalid, expired or revoked'],
};

export const authBackend: BackendDefinition<AuthDeps> = {
  service: 'auth',
  init: readAuthEnv,
  handle(event, deps, { logger }) {
    switch (event.resource) {
      case '/auth/login':
        return login(event, deps, logger);
      case '/auth/refresh':
        return refresh(event, deps, logger);
      case '/auth/token':
        return exchangeCode(event, deps, logger);
      default:
        return Promise.resolve(json(404, { message: 'Not found' }));
    }
  },
};

function login(event: APIGatewayProxyEvent, deps: AuthDeps, logger: Logger): Promise<ProxyResult> {
  const body = parseJsonBody(event);
  if (isResult(body)) return Promise.resolve(body);
  const username = stringField(body, 'username', 128);
  const password = stringField(body, 'password', 256);
  if (!username || !password) return Promise.resolve(badRequest('username and password must be non-empty strings'));
  return initiateAuth(deps, logger, 'USER_PASSWORD_AUTH', { USERNAME: username, PASSWORD: password }, BAD_CREDENTIALS);
}

function refresh(event: APIGatewayProxyEvent, deps: AuthDeps, logger: Logger): Promise<ProxyResult> {
  const body = event.body ? parseJsonBody(event) : {};
  if (isResult(body)) return Promise.resolve(body);
  const refreshToken = stringField(body, 'refreshToken', 8192) ?? cookie(event, REFRESH_COOKIE);
  if (!refreshToken) return Promise.resolve(badRequest('refreshToken is required (in the body, or the refresh cookie)'));
  return initiateAuth(deps, logger, 'REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: refreshToken }, BAD_REFRESH);
}

async function initiateAuth(
  { cognito, userPoolClientId }: AuthDeps,
  logger: Logger,
  flow: 'USER_PASSWORD_AUTH' | 'REFRESH_TOKEN_AUTH',
  parameters: Record<string, string>,
  errors: Readonly<Record<string, [number, string]>>,
): Promise<ProxyResult> {
  let result: AuthenticationResultType | undefined;
  try {
    const response = await cognito.send(new InitiateAuthCommand({ ClientId: userPoolClientId, AuthFlow: flow, AuthParameters: parameters }));
    result = response.AuthenticationResult;
    if (!result && response.ChallengeName) {
      logger.log('WARN', 'auth challenge not supported', { flow, challenge: response.ChallengeName });
      return json(403, { message: `Sign-in needs ${response.ChallengeName}: complete it through the Hosted UI`, challenge: response.ChallengeName });
    }
  } catch (error) {
    return cognitoErrorResult(error, logger, flow, errors);
  }
  if (!result?.AccessToken) return json(502, { message: 'Identity service returned no tokens' });
  logger.log('INFO', 'tokens issued', { flow });
  return json(200, {
    AccessToken: result.AccessToken,
    IdToken: result.IdToken,
    RefreshToken: result.RefreshToken,
    // The emulator omits ExpiresIn; the token's own exp says the same.
    ExpiresIn: result.ExpiresIn ?? Math.max(0, expiresAt(result.AccessToken) - Math.floor(Date.now() / 1000)),
    TokenType: result.TokenType ?? 'Bearer',
  });
}

async function exchangeCode(event: APIGatewayProxyEvent, deps: AuthDeps, logger: Logger): Promise<ProxyResult> {
  const body = parseJsonBody(event);
  if (isResult(body)) return body;
  const code = body.code;
  const verifier = body.code_verifier;
  const redirectUri = body.redirect_uri;
  if (typeof code !== 'string' || !CODE_PATTERN.test(code)) return badRequest('code must be the authorization code from the redirect');
  if (typeof verifier !== 'string' || !VERIFIER_PATTERN.test(verifier)) {
    return badRequest('code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636)');
  }
  if (typeof redirectUri !== 'string' || !deps.callbackUrls.has(redirectUri)) return badRequest('redirect_uri is not a registered callback URL');
  const { tokenEndpoint } = deps;
  if (!tokenEndpoint) return json(503, { message: 'Hosted UI is not configured' });

  let status: number;
  let answer: Record<string, unknown>;
  try {
    const response = await boundedRequest(tokenEndpoint, {
      method: 'POST',
      timeoutMs: TOKEN_ENDPOINT_TIMEOUT_MS,
      maxResponseBytes: 64 * 1024,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: deps.userPoolClientId,
        code,
        code_verifier: verifier,
        redirect_uri: redirectUri,
      }).toString(),
    });
    status = response.status;
    answer = parseJsonObject(response.body.toString('utf8')) ?? {};
  } catch (error) {
    logger.log('ERROR', 'token endpoint unreachable', { reason: error instanceof Error ? error.message : 'Unknown' });
    return json(502, { message: 'Identity service unavailable' });
  }
  return tokenEndpointResult(logger, status, answer, deps.refreshTokenDays, event.requestContext.path);
}

function tokenEndpointResult(logger: Logger, status: number, answer: Record<string, unknown>, refreshDays: number, requestPath: string): ProxyResult {
  const error = typeof answer.error === 'string' ? answer.error : undefined;
  if (status === 200 && typeof answer.access_token === 'string') {
    logger.log('INFO', 'tokens issued', { flow: 'authorization_code' });
    const headers: Record<string, string> = {};
    if (typeof answer.refresh_token === 'string') {
      // The refresh token never reaches page scripts: HttpOnly, sent only to the refresh route.
      const path = requestPath.replace(/\/auth\/token$/, '/auth/refresh');
      headers['Set-Cookie'] = `${REFRESH_COOKIE}=${answer.refresh_token}; HttpOnly; Secure; SameSite=Strict; Path=${path}; Max-Age=${refreshDays * 86400}`;
    }
    return json(
      200,
      { access_token: answer.access_token, id_token: answer.id_token, expires_in: answer.expires_in, token_type: answer.token_type ?? 'Bearer' },
      headers,
    );
  }
  logger.log('WARN', 'code exchange rejected', { status, error: error ?? 'none' });
  if (status >= 500 || status === 0) return json(502, { message: 'Identity service unavailable' });
  if (error === 'invalid_client' || error === 'unauthorized_client') return json(401, { message: 'Client is not allowed to exchange codes', error });
  return json(400, {
    message: 'The code is invalid, expired or already used, or the verifier or redirect_uri does not match',
    error: error ?? 'invalid_request',
  });
}

function cookie(event: APIGatewayProxyEvent, name: string): string | undefined {
  const header = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === 'cookie')?.[1];
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === name && value.length > 0) return value.join('=');
  }
  return undefined;
}

export const handler = createBackend(authBackend);
