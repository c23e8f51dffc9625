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

/** Where a kind of token names its client and user, and Cognito's messages when it is refused. */
interface TokenKind {
  readonly use: 'access' | 'id';
  readonly clientClaim: string;
  readonly usernameClaim: string;
  readonly invalid: string;
  readonly expired: string;
  readonly unknownUser: string;
  readonly revoked: string;
}

/** At the user pool's APIs. */
const ACCESS_TOKEN: TokenKind = {
  use: 'access',
  clientClaim: 'client_id',
  usernameClaim: 'username',
  invalid: 'Invalid Access Token',
  expired: 'Access Token has expired',
  unknownUser: 'User does not exist.',
  revoked: 'Access Token has been revoked',
};

/** As a login of the identity pool (Cognito Identity's messages). */
const ID_TOKEN: TokenKind = {
  use: 'id',
  clientClaim: 'aud',
  usernameClaim: 'cognito:username',
  invalid: 'Invalid login token. Not a valid OpenId Connect identity token.',
  expired: 'Invalid login token. Token expired.',
  unknownUser: 'Invalid login token. Token is revoked.',
  revoked: 'Invalid login token. Token is revoked.',
};

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

  /** The user of one of our tokens of `kind`, unexpired and of a live session; NotAuthorizedException otherwise. */
  const liveToken = async (ctx: Context, token: string, kind: TokenKind) => {
    const claims = key.verifiedClaims(token);
    const clientId = claims?.[kind.clientClaim];
    const username = claims?.[kind.usernameClaim];
    if (!claims || claims.token_use !== kind.use || typeof clientId !== 'string' || typeof username !== 'string')
      throw new NotAuthorizedError(kind.invalid);
    if (typeof claims.exp !== 'number' || claims.exp <= now()) throw new NotAuthorizedError(kind.expired);
    const pool = await cognito.getUserPoolForClientId(ctx, clientId).catch(() => {
      throw new NotAuthorizedError(kind.invalid);
    });
    const user = await pool.getUserByUsername(ctx, username);
    if (!user) throw new NotAuthorizedError(kind.unknownUser);
    if (!isLive(user, claims.origin_jti)) throw new NotAuthorizedError(kind.revoked);
    return { pool, user, claims };
  };

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
      const { pool, user, claims } = await liveToken(ctx, accessToken, ACCESS_TOKEN);
      return { pool, user, claims, scopes: typeof claims.scope === 'string' ? claims.scope.split(' ') : [] };
    },

    async liveId(ctx, idToken) {
      const { user, claims } = await liveToken(ctx, idToken, ID_TOKEN);
      return { user, claims };
    },
  };
}
