/**
 * POST /auth/logout (public: the handler verifies the Bearer access token itself, as the
 * authorizer would, then asks the revocation store and Cognito whether it still stands):
 *   { "refreshToken" } (or `refresh_token`, or the refresh cookie) → this session: the session is
 *     recorded as revoked (the authorizer rejects its tokens within the bound) and the refresh
 *     token is revoked at Cognito (`RevokeToken`), so no path yields new tokens for it. Without the
 *     refresh token a session logout is a 400: it could not end the session.
 *   { "everywhere": true } → every session of the user: Cognito `AdminUserGlobalSignOut` (every
 *     refresh token of the user, on every path), and every token issued before now recorded as
 *     revoked (the user's cut-off, kept a refresh-token lifetime).
 * 200 `{ "revoked": "session" | "everywhere" }` and the refresh cookie cleared. 401, with nothing
 * done, for a token the API would refuse and for one that is revoked or whose user is gone.
 */
import {
  AdminGetUserCommand,
  AdminUserGlobalSignOutCommand,
  RevokeTokenCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { GATEWAY_RESPONSES } from '../../lib/contracts/gateway-responses';
import type { Audited } from '../shared/audit';
import { cognitoErrorResult } from '../shared/cognito-errors';
import { badRequest, headerValue, isResult, json, parseJsonBody, stringField } from '../shared/http';
import type { JsonObject } from '../../lib/contracts/json';
import type { Logger } from '../shared/logger';
import type { RevocableToken, RevocationStore } from '../revocation/store';
import { StoreError, storeErrorResult } from '../shared/store-error';
import { clearRefreshCookie, refreshCookieFrom } from './refresh-cookie';

/** What logout needs to know about a verified access token. */
export interface VerifiedSession extends RevocableToken {
  readonly username: string;
  /** Every Cognito access token names its session (`origin_jti`, else its own `jti`). */
  readonly sessionId: string;
}

/** Verifies an Authorization header as the authorizer does; rejects for anything it would not accept. */
export type SessionVerifier = (authorizationHeader: string | undefined) => Promise<VerifiedSession>;

export interface LogoutDeps {
  readonly cognito: CognitoIdentityProviderClient;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  readonly verifySession: SessionVerifier;
  readonly revocations: RevocationStore;
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
/** A user deleted between the check and the sign-out is refused like one deleted before. */
const USER_GONE: Readonly<Record<string, [number, string]>> = {
  UserNotFoundException: [UNAUTHORIZED.statusCode, UNAUTHORIZED.body.message],
};
export const REFRESH_TOKEN_REQUIRED =
  'A session logout needs the session’s refresh token (refreshToken in the body, or the refresh_token cookie): without it the session could still get new tokens. To end every session, send {"everywhere":true}';

const unauthorized = (reason: string): Audited => ({
  result: json(UNAUTHORIZED.statusCode, UNAUTHORIZED.body),
  reason,
});

export async function logout(event: APIGatewayProxyEvent, deps: LogoutDeps, logger: Logger): Promise<Audited> {
  const request = logoutRequest(event);
  if (isResult(request)) return { result: request };
  let session: VerifiedSession;
  try {
    session = await deps.verifySession(headerValue(event, 'authorization'));
  } catch {
    return unauthorized('TOKEN_REJECTED');
  }
  const done = (result: Audited): Audited => ({ actor: session.sub, target: session.username, ...result });
  if (request.scope === 'session' && !request.refreshToken)
    return done({ result: badRequest(REFRESH_TOKEN_REQUIRED), reason: 'REFRESH_TOKEN_MISSING' });
  try {
    const failed =
      (await spentToken(deps, logger, session)) ??
      (request.scope === 'everywhere'
        ? await signOutEverywhere(deps, logger, session)
        : await deps.revocations.revokeSession(session.sub, session.sessionId).then(() => undefined));
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

/**
 * A token that is revoked (a stolen session its owner logged out, a user signed out everywhere or
 * deleted) or whose user no longer exists (deleted outside the API, or deleted and re-created
 * under the same name: another `sub`) may not sign anyone out: 401, nothing recorded, nothing
 * revoked.
 */
async function spentToken(deps: LogoutDeps, logger: Logger, session: VerifiedSession): Promise<Audited | undefined> {
  if (await deps.revocations.isRevoked(session)) return unauthorized('TOKEN_REVOKED');
  try {
    const user = await deps.cognito.send(
      new AdminGetUserCommand({ UserPoolId: deps.userPoolId, Username: session.username }),
    );
    const sub = user.UserAttributes?.find((attribute) => attribute.Name === 'sub')?.Value;
    return sub === session.sub ? undefined : unauthorized('USER_NOT_FOUND');
  } catch (error) {
    if (error instanceof Error && error.name === 'UserNotFoundException') return unauthorized('USER_NOT_FOUND');
    return { result: cognitoErrorResult(error, logger, 'AdminGetUser') };
  }
}

/**
 * Cognito's AdminUserGlobalSignOut (IAM-granted to this function alone: it works whatever scopes
 * the presented token has), then the user's cut-off. Token times are whole seconds, so the cut-off
 * is the next whole second and the answer waits for it: every token issued before the sign-out is
 * revoked, and one issued after the answer (a fresh login) is not.
 */
async function signOutEverywhere(
  deps: LogoutDeps,
  logger: Logger,
  session: VerifiedSession,
): Promise<Audited | undefined> {
  try {
    await deps.cognito.send(
      new AdminUserGlobalSignOutCommand({ UserPoolId: deps.userPoolId, Username: session.username }),
    );
  } catch (error) {
    return { result: cognitoErrorResult(error, logger, 'AdminUserGlobalSignOut', USER_GONE) };
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
