/**
 * Sessions as Cognito keeps them: a sign-in opens one (a new `origin_jti`), refreshes continue it,
 * and it ends when its refresh token is revoked (RevokeToken, /oauth2/revoke) or the user is
 * signed out everywhere (GlobalSignOut, AdminUserGlobalSignOut). A session is live while the
 * user's record (cognito-local's store, persisted in the state directory) holds its refresh token:
 * every refresh path and every check of an access token at the Cognito APIs asks `resume`/`liveAccess`.
 */
import { randomUUID } from 'node:crypto';
import type { CognitoService } from 'cognito-local/lib/services/cognitoService';
import type { Context } from 'cognito-local/lib/services/context';
import type { User, UserPoolService } from 'cognito-local/lib/services/userPoolService';
import { NotAuthorizedError } from 'cognito-local/lib/errors';
import { roleClaimsOf } from './group-roles';
import type { SigningKey } from './signing-key';
import { sessionOfRefreshToken, type IssuedTokens, type IssueRequest, type Session, type TokenIssuer } from './tokens';

export interface ResumedSession {
  readonly pool: UserPoolService;
  readonly user: User;
  readonly session: Session;
}

export interface LiveAccess {
  readonly pool: UserPoolService;
  readonly user: User;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly scopes: readonly string[];
}

/** An ID token of a live session. */
export interface LiveId {
  readonly user: User;
  readonly claims: Readonly<Record<string, unknown>>;
}

export interface SignIn {
  readonly pool: UserPoolService;
  readonly user: User;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly nonce?: string;
  /** Whether to issue an ID token (the API flows always; OAuth only with `openid`). */
  readonly withIdToken: boolean;
}

export interface Sessions {
  /** A new sign-in: a new session and all three tokens; its refresh token is stored with the user. */
  open(ctx: Context, signIn: SignIn): Promise<IssuedTokens>;
  /** The live session a refresh token continues, for `clientId`; NotAuthorizedException otherwise. */
  resume(ctx: Context, refreshToken: string, clientId: string): Promise<ResumedSession>;
  /** New access (and ID) tokens of a resumed session. */
  refresh(ctx: Context, resumed: ResumedSession, withIdToken: boolean): Promise<IssuedTokens>;
  /** Ends the session of a refresh token issued to `clientId`; false if it was not one of this client's. */
  revoke(ctx: Context, refreshToken: string, clientId: string): Promise<boolean>;
  /** Ends every session of the user. */
  endAll(ctx: Context, pool: UserPoolService, user: User): Promise<void>;
  /** The user of an access token that is ours, unexpired and of a live session; NotAuthorizedException otherwise. */
  liveAccess(ctx: Context, accessToken: string): Promise<LiveAccess>;
  /** The user of an ID token that is ours, unexpired and of a live session; NotAuthorizedException otherwise. */
  liveId(ctx: Context, idToken: string): Promise<LiveId>;
}

export interface SessionDeps {
  readonly cognito: CognitoService;
  readonly key: SigningKey;
  readonly issuer: TokenIssuer;
  /** Epoch seconds. */
  readonly now: () => number;
}

export function createSessions({ cognito, key, issuer, now }: SessionDeps): Sessions {
  /** The claims of one of our refresh tokens that has not expired. */
  const refreshClaims = (token: string): Record<string, unknown> | undefined => {
    const claims = key.verifiedClaims(token);
    return claims && typeof claims.exp === 'number' && claims.exp > now() ? claims : undefined;
  };
  const issueFor = async (
    ctx: Context,
    pool: UserPoolService,
    user: User,
    session: Session,
    extra: Partial<IssueRequest>,
  ) => {
    const client = await cognito.getAppClient(ctx, session.clientId);
    if (!client) throw new NotAuthorizedError('Invalid client id');
    const groups = await pool.listUserGroupMembership(ctx, user);
    const roles = await roleClaimsOf(ctx, pool, groups);
    return issuer.issue({ user, groups, roles, client, session, withIdToken: true, withRefreshToken: false, ...extra });
  };

  /** Whether the user still holds a refresh token of the session `originJti` names. */
  const isLive = (user: User, originJti: unknown): boolean =>
    (user.RefreshTokens ?? []).some(
      (token) => sessionOfRefreshToken(refreshClaims(token) ?? {})?.originJti === originJti,
    );

  return {
    async open(ctx, { pool, user, clientId, scopes, nonce, withIdToken }) {
      const session: Session = { originJti: randomUUID(), clientId, username: user.Username, authTime: now(), scopes };
      const tokens = await issueFor(ctx, pool, user, session, { nonce, withIdToken, withRefreshToken: true });
      // Expired refresh tokens can never be used again: drop them as the new one is stored.
      const held = (user.RefreshTokens ?? []).filter((token) => refreshClaims(token) !== undefined);
      await pool.saveUser(ctx, { ...user, RefreshTokens: [...held, tokens.RefreshToken!] });
      return tokens;
    },

    async resume(ctx, refreshToken, clientId) {
      const claims = refreshClaims(refreshToken);
      const session = claims && sessionOfRefreshToken(claims);
      if (!session || session.clientId !== clientId) throw new NotAuthorizedError('Invalid Refresh Token');
      const pool = await cognito.getUserPoolForClientId(ctx, clientId);
      const user = await pool.getUserByRefreshToken(ctx, refreshToken);
      if (!user || user.Username !== session.username) throw new NotAuthorizedError('Refresh Token has been revoked');
      if (!user.Enabled) throw new NotAuthorizedError('User is disabled.');
      return { pool, user, session };
    },

    refresh(ctx, { pool, user, session }, withIdToken) {
      return issueFor(ctx, pool, user, session, { withIdToken });
    },

    async revoke(ctx, refreshToken, clientId) {
      const session = sessionOfRefreshToken(key.verifiedClaims(refreshToken) ?? {});
      if (!session || session.clientId !== clientId) return false;
      const pool = await cognito.getUserPoolForClientId(ctx, clientId);
      const user = await pool.getUserByRefreshToken(ctx, refreshToken);
      if (user) {
        const held = user.RefreshTokens.filter((token) => token !== refreshToken);
        await pool.saveUser(ctx, { ...user, RefreshTokens: held });
      }
      return true;
    },

    async endAll(ctx, pool, user) {
      await pool.saveUser(ctx, { ...user, RefreshTokens: [] });
    },

    async liveAccess(ctx, accessToken) {
      const claims = key.verifiedClaims(accessToken);
      const { token_use: use, client_id: clientId, username, origin_jti: originJti, exp, scope } = claims ?? {};
      if (use !== 'access' || typeof clientId !== 'string' || typeof username !== 'string')
        throw new NotAuthorizedError('Invalid Access Token');
      if (typeof exp !== 'number' || exp <= now()) throw new NotAuthorizedError('Access Token has expired');
      const pool = await cognito.getUserPoolForClientId(ctx, clientId).catch(() => {
        throw new NotAuthorizedError('Invalid Access Token');
      });
      const user = await pool.getUserByUsername(ctx, username);
      if (!user) throw new NotAuthorizedError('User does not exist.');
      if (!isLive(user, originJti)) throw new NotAuthorizedError('Access Token has been revoked');
      return { pool, user, claims: claims!, scopes: typeof scope === 'string' ? scope.split(' ') : [] };
    },

    async liveId(ctx, idToken) {
      const claims = key.verifiedClaims(idToken);
      const { token_use: use, aud, 'cognito:username': username, origin_jti: originJti, exp } = claims ?? {};
      if (use !== 'id' || typeof aud !== 'string' || typeof username !== 'string')
        throw new NotAuthorizedError('Invalid login token. Not a valid OpenId Connect identity token.');
      if (typeof exp !== 'number' || exp <= now()) throw new NotAuthorizedError('Invalid login token. Token expired.');
      const pool = await cognito.getUserPoolForClientId(ctx, aud).catch(() => {
        throw new NotAuthorizedError('Invalid login token. Not a valid OpenId Connect identity token.');
      });
      const user = await pool.getUserByUsername(ctx, username);
      if (!user || !isLive(user, originJti)) throw new NotAuthorizedError('Invalid login token. Token is revoked.');
      return { user, claims: claims! };
    },
  };
}
