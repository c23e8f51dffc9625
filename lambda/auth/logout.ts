/**
 * POST /auth/logout (public: the handler verifies the Bearer access token itself, as the
 * authorizer would, minus the revocation check, so a repeated logout is still a 200):
 *   {} or { "refreshToken" } (or `refresh_token`, or the refresh cookie) → this session: the
 *     session is recorded as revoked (the authorizer rejects its tokens within the bound) and the
 *     refresh token is revoked at Cognito (`RevokeToken`);
 *   { "everywhere": true } → every session of the user: Cognito `GlobalSignOut` with the access
 *     token, and every token issued before now recorded as revoked.
 * 200 `{ "revoked": "session" | "everywhere" }` and the refresh cookie cleared; 401 for a bad token.
 */
import {
  GlobalSignOutCommand,
  RevokeTokenCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { GATEWAY_RESPONSES } from '../../lib/config/gateway-responses';
import type { Audited } from '../shared/audit';
import { cognitoErrorResult } from '../shared/cognito-errors';
import { badRequest, headerValue, isResult, json, parseJsonBody, stringField } from '../shared/http';
import type { JsonObject } from '../shared/json';
import type { Logger } from '../shared/logger';
import type { RevocationStore } from '../shared/revocation-store';
import { StoreError, storeErrorResult } from '../shared/store-error';
import { clearRefreshCookie, refreshCookieFrom } from './refresh-cookie';

/** What logout needs to know about a verified access token. */
export interface VerifiedSession {
  readonly sub: string;
  readonly username: string;
  /** `origin_jti` (Cognito), else the token's own `jti` (the emulator); lib/config/revocation.ts › sessionIdOf. */
  readonly sessionId: string | undefined;
  /** The verified access token itself (GlobalSignOut is called with it). */
  readonly accessToken: string;
}

/** Verifies an Authorization header as the authorizer does; rejects for anything it would not accept. */
export type SessionVerifier = (authorizationHeader: string | undefined) => Promise<VerifiedSession>;

export interface LogoutDeps {
  readonly cognito: CognitoIdentityProviderClient;
  readonly userPoolClientId: string;
  readonly verifySession: SessionVerifier;
  readonly revocations: RevocationStore;
  /**
   * The identity service is the local emulator, which has no GlobalSignOut: its "Unsupported"
   * answer then leaves the sign-out to the revocation store alone.
   */
  readonly identityServiceIsEmulator: boolean;
  /** Epoch milliseconds. */
  readonly now: () => number;
}

type Scope = 'session' | 'everywhere';

/** Cognito's answers to a refresh token that is unknown, malformed or already revoked: nothing left to revoke. */
const NOTHING_TO_REVOKE = new Set([
  'NotAuthorizedException',
  'InvalidParameterException',
  'UnsupportedTokenTypeException',
]);
const { unauthorized: UNAUTHORIZED } = GATEWAY_RESPONSES;

export async function logout(event: APIGatewayProxyEvent, deps: LogoutDeps, logger: Logger): Promise<Audited> {
  const request = logoutRequest(event);
  if (isResult(request)) return { result: request };
  let session: VerifiedSession;
  try {
    session = await deps.verifySession(headerValue(event, 'authorization'));
  } catch {
    return { result: json(UNAUTHORIZED.statusCode, UNAUTHORIZED.body), reason: 'TOKEN_REJECTED' };
  }
  const done = (result: Audited): Audited => ({ actor: session.sub, target: session.username, ...result });
  try {
    const failed =
      request.scope === 'everywhere'
        ? await signOutEverywhere(deps, logger, session)
        : await revokeSession(deps, session);
    if (failed) return done(failed);
    if (request.refreshToken) {
      const refused = await revokeRefreshToken(deps, logger, request.refreshToken);
      if (refused) return done(refused);
    }
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    logger.log('ERROR', 'revocation store failed', { operation: error.operation, error: error.errorName });
    const { reason, result } = storeErrorResult(
      error,
      'Revocation store unavailable: the session is not revoked yet, retry',
    );
    return done({ result, reason });
  }
  return done({
    result: json(200, { revoked: request.scope }, { 'Set-Cookie': clearRefreshCookie(event) }),
    reason: request.scope === 'everywhere' ? 'SIGNED_OUT_EVERYWHERE' : 'SESSION_REVOKED',
  });
}

/** The body (optional) and the refresh cookie: what to revoke. */
function logoutRequest(
  event: APIGatewayProxyEvent,
): { scope: Scope; refreshToken?: string } | ReturnType<typeof badRequest> {
  const body: JsonObject | ReturnType<typeof badRequest> = event.body ? parseJsonBody(event) : {};
  if (isResult(body)) return body;
  const { everywhere } = body;
  if (everywhere !== undefined && typeof everywhere !== 'boolean')
    return badRequest('everywhere must be true or false');
  const given = body.refreshToken ?? body.refresh_token;
  const refreshToken = stringField(body, 'refreshToken', 8192) ?? stringField(body, 'refresh_token', 8192);
  if (given !== undefined && !refreshToken) return badRequest('refreshToken must be a non-empty string');
  return { scope: everywhere ? 'everywhere' : 'session', refreshToken: refreshToken ?? refreshCookieFrom(event) };
}

async function revokeSession(deps: LogoutDeps, session: VerifiedSession): Promise<Audited | undefined> {
  // Every Cognito token has a jti; a verified token without one was not issued by this pool's kind.
  if (!session.sessionId) return { result: badRequest('The access token names no session (no origin_jti or jti)') };
  await deps.revocations.revokeSession(session.sub, session.sessionId);
  return undefined;
}

/**
 * Cognito's GlobalSignOut, then the user's cut-off. Token times are whole seconds, so the cut-off is
 * the next whole second and the answer waits for it: every token issued before the sign-out is
 * revoked, and one issued after the answer (a fresh login) is not.
 */
async function signOutEverywhere(
  deps: LogoutDeps,
  logger: Logger,
  session: VerifiedSession,
): Promise<Audited | undefined> {
  try {
    await deps.cognito.send(new GlobalSignOutCommand({ AccessToken: session.accessToken }));
  } catch (error) {
    const name = error instanceof Error ? error.name : 'UnknownError';
    if (deps.identityServiceIsEmulator && name === 'Unsupported') {
      logger.log('WARN', 'global sign-out not supported by the identity service', {
        reason: 'GLOBAL_SIGN_OUT_UNSUPPORTED',
      });
    } else if (name === 'NotAuthorizedException') {
      // The token was already signed out there (a repeated sign-out), or lacks the scope
      // aws.cognito.signin.user.admin (Hosted UI tokens): the store and the refresh check carry it.
      logger.log('WARN', 'global sign-out refused by the identity service', {
        reason: 'GLOBAL_SIGN_OUT_NOT_AUTHORIZED',
      });
    } else {
      return { result: cognitoErrorResult(error, logger, 'GlobalSignOut') };
    }
  }
  const cutOff = Math.ceil(deps.now() / 1000);
  await deps.revocations.revokeUser(session.sub, cutOff);
  const wait = cutOff * 1000 - deps.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  return undefined;
}

async function revokeRefreshToken(
  deps: LogoutDeps,
  logger: Logger,
  refreshToken: string,
): Promise<Audited | undefined> {
  try {
    await deps.cognito.send(new RevokeTokenCommand({ ClientId: deps.userPoolClientId, Token: refreshToken }));
  } catch (error) {
    const name = error instanceof Error ? error.name : 'UnknownError';
    if (!NOTHING_TO_REVOKE.has(name)) return { result: cognitoErrorResult(error, logger, 'RevokeToken') };
    logger.log('INFO', 'refresh token already unusable', { reason: 'REFRESH_TOKEN_NOT_ACTIVE', error: name });
  }
  return undefined;
}
