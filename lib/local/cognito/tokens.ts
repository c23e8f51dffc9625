/**
 * The tokens of the local Cognito, claim for claim as Cognito issues them (token revocation on):
 * access and ID tokens carry `origin_jti`, the id of the sign-in they come from, which stays the
 * same across refreshes; the ID token carries the `nonce` of the authorization request. Refresh
 * tokens are opaque to clients (as Cognito's); here they are signed JWTs naming their session, and
 * valid only while the user's record still holds them (lib/local/cognito/sessions.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { AppClient } from 'cognito-local/lib/services/appClient';
import {
  attributeValue,
  attributesToRecord,
  customAttributes,
  type User,
} from 'cognito-local/lib/services/userPoolService';
import type { RoleClaims } from './group-roles';
import type { SigningKey } from './signing-key';

/** One sign-in: what every token refreshed from it shares. */
export interface Session {
  /** `origin_jti` of every access and ID token of this sign-in. */
  readonly originJti: string;
  readonly clientId: string;
  readonly username: string;
  /** Epoch seconds of the sign-in (`auth_time`). */
  readonly authTime: number;
  readonly scopes: readonly string[];
}

export interface IssuedTokens {
  readonly AccessToken: string;
  readonly IdToken?: string;
  readonly RefreshToken?: string;
  readonly ExpiresIn: number;
  readonly TokenType: 'Bearer';
}

export interface IssueRequest {
  readonly user: User;
  readonly groups: readonly string[];
  readonly client: AppClient;
  readonly session: Session;
  /** The groups' roles (lib/local/cognito/group-roles.ts): in the ID token only, as Cognito's. */
  readonly roles?: RoleClaims;
  /** The authorization request's `nonce`, echoed in the ID token (OIDC code flow). */
  readonly nonce?: string;
  /** A new sign-in also gets its refresh token; a refresh does not (no rotation, as Cognito's default). */
  readonly withRefreshToken: boolean;
  /** Whether to issue an ID token: always for the API flows; for OAuth only with the `openid` scope. */
  readonly withIdToken: boolean;
}

/** The scope of tokens from the `cognito-idp` API flows (InitiateAuth, SRP): Cognito's own. */
export const USER_ADMIN_SCOPE = 'aws.cognito.signin.user.admin';

/** ID tokens come with the API flows' scope, and with `openid` in the OAuth flows (as Cognito's). */
export function issuesIdToken(scopes: readonly string[]): boolean {
  return scopes.includes('openid') || scopes.includes(USER_ADMIN_SCOPE);
}

const UNIT_SECONDS: Readonly<Record<string, number>> = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 };

/** An app client's validity in seconds; Cognito's units default to hours (access, ID) and days (refresh). */
export function validitySeconds(client: AppClient, kind: 'AccessToken' | 'IdToken' | 'RefreshToken'): number {
  const defaults = { AccessToken: [1, 'hours'], IdToken: [1, 'hours'], RefreshToken: [30, 'days'] } as const;
  const value = client[`${kind}Validity`] ?? defaults[kind][0];
  const unit = client.TokenValidityUnits?.[kind] ?? defaults[kind][1];
  return value * (UNIT_SECONDS[unit] ?? UNIT_SECONDS[defaults[kind][1]]);
}

export interface TokenIssuer {
  readonly issuerFor: (userPoolId: string) => string;
  issue(request: IssueRequest): IssuedTokens;
}

/** `issuerBase` is the public endpoint (`http://127.0.0.1:<port>`); `now` returns epoch seconds. */
export function createTokenIssuer(key: SigningKey, issuerBase: string, now: () => number): TokenIssuer {
  const issuerFor = (userPoolId: string): string => `${issuerBase}/${userPoolId}`;
  return {
    issuerFor,
    issue(request) {
      const { user, groups, client, session } = request;
      const iat = now();
      const shared = {
        sub: attributeValue('sub', user.Attributes),
        ...(groups.length > 0 ? { 'cognito:groups': [...groups] } : {}),
        iss: issuerFor(client.UserPoolId),
        origin_jti: session.originJti,
        event_id: randomUUID(),
        auth_time: session.authTime,
        iat,
      };
      const accessSeconds = validitySeconds(client, 'AccessToken');
      const accessToken = key.sign({
        ...shared,
        version: 2,
        client_id: client.ClientId,
        token_use: 'access',
        scope: session.scopes.join(' '),
        exp: iat + accessSeconds,
        jti: randomUUID(),
        username: user.Username,
      });
      return {
        AccessToken: accessToken,
        ...(request.withIdToken ? { IdToken: idToken(key, request, shared, accessToken) } : {}),
        ...(request.withRefreshToken ? { RefreshToken: refreshToken(key, request, shared.iss, iat) } : {}),
        ExpiresIn: accessSeconds,
        TokenType: 'Bearer',
      };
    },
  };
}

function idToken(
  key: SigningKey,
  { user, client, nonce, roles }: IssueRequest,
  shared: Readonly<Record<string, unknown>> & { iat: number },
  accessToken: string,
): string {
  const email = attributeValue('email', user.Attributes);
  const verified = attributeValue('email_verified', user.Attributes);
  return key.sign({
    ...shared,
    ...(email === undefined ? {} : { email, email_verified: verified === 'true' }),
    ...attributesToRecord(customAttributes(user.Attributes)),
    ...roles,
    'cognito:username': user.Username,
    aud: client.ClientId,
    token_use: 'id',
    exp: shared.iat + validitySeconds(client, 'IdToken'),
    jti: randomUUID(),
    // OIDC Core §3.1.3.6: the left half of the access token's SHA-256.
    at_hash: createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url'),
    ...(nonce === undefined ? {} : { nonce }),
  });
}

function refreshToken(key: SigningKey, { client, session }: IssueRequest, iss: string, iat: number): string {
  return key.sign({
    iss,
    token_use: 'refresh',
    client_id: client.ClientId,
    username: session.username,
    origin_jti: session.originJti,
    auth_time: session.authTime,
    scope: session.scopes.join(' '),
    iat,
    exp: iat + validitySeconds(client, 'RefreshToken'),
    jti: randomUUID(),
  });
}

/** The session a refresh token names, if it is one of ours (checks the fields, not whether it is still held). */
export function sessionOfRefreshToken(claims: Readonly<Record<string, unknown>>): Session | undefined {
  const { token_use: use, client_id: clientId, username, origin_jti: originJti, auth_time: authTime, scope } = claims;
  if (use !== 'refresh' || typeof clientId !== 'string' || typeof username !== 'string') return undefined;
  if (typeof originJti !== 'string' || typeof authTime !== 'number' || typeof scope !== 'string') return undefined;
  return { originJti, clientId, username, authTime, scopes: scope.split(' ').filter(Boolean) };
}
