/**
 * The `cognito-idp` JSON API targets the local Cognito answers itself, in front of cognito-local's
 * router: every way to get tokens (so all carry our key and a session) and every way to end a
 * session, plus a session check before the APIs that act with an access token. Everything else
 * (users, groups, clients) is cognito-local's.
 */
import { randomBytes } from 'node:crypto';
import type { Route, Router } from 'cognito-local/lib/server/Router';
import type { Context } from 'cognito-local/lib/services/context';
import type { CognitoService } from 'cognito-local/lib/services/cognitoService';
import type { UserPoolService } from 'cognito-local/lib/services/userPoolService';
import {
  CognitoError,
  InvalidParameterError,
  InvalidPasswordError,
  NotAuthorizedError,
  UserNotConfirmedException,
  UserNotFoundError,
} from 'cognito-local/lib/errors';
import type { Sessions } from './sessions';
import { startSrp, SrpInputError, verifySrpClaim, type SrpChallenge } from './srp';
import { issuesIdToken, USER_ADMIN_SCOPE, type IssuedTokens } from './tokens';

type JsonRequest = Readonly<Record<string, unknown>>;

export interface TargetDeps {
  readonly cognito: CognitoService;
  readonly sessions: Sessions;
  /** Epoch milliseconds. */
  readonly nowMs: () => number;
}

/** Cognito's answer to a wrong password or an unknown user (with user-existence errors prevented). */
const BAD_CREDENTIALS = 'Incorrect username or password.';
/** How long an SRP challenge can be answered (Cognito's sign-in session lasts 3 minutes). */
const SRP_CHALLENGE_MS = 3 * 60_000;

/** APIs that act with the caller's access token: refused once its session has ended, as Cognito does. */
const ACCESS_TOKEN_TARGETS = [
  'GetUser',
  'ChangePassword',
  'DeleteUser',
  'UpdateUserAttributes',
  'DeleteUserAttributes',
  'VerifyUserAttribute',
  'GetUserAttributeVerificationCode',
  'SetUserMFAPreference',
  'AssociateSoftwareToken',
  'VerifySoftwareToken',
];

const text = (request: JsonRequest, field: string): string => {
  const value = request[field];
  if (typeof value !== 'string' || value === '') throw new InvalidParameterError(`Missing required parameter ${field}`);
  return value;
};
const params = (request: JsonRequest, field: string): JsonRequest => {
  const value = request[field];
  return typeof value === 'object' && value !== null ? (value as JsonRequest) : {};
};

const authenticated = (tokens: IssuedTokens) => ({ ChallengeParameters: {}, AuthenticationResult: tokens });

/** cognito-local's router with our targets in front. */
export function localCognitoRouter(base: Router, deps: TargetDeps): Router {
  const ours = ourTargets(base, deps);
  return (target) => ours.get(target) ?? base(target);
}

function ourTargets(base: Router, deps: TargetDeps): ReadonlyMap<string, Route> {
  const { cognito, sessions } = deps;
  const srp = srpFlow(deps);
  const refresh = async (ctx: Context, refreshToken: string, clientId: string) => {
    const resumed = await sessions.resume(ctx, refreshToken, clientId);
    return sessions.refresh(ctx, resumed, issuesIdToken(resumed.session.scopes));
  };
  /** cognito-local's answer to a target (its routes are typed `any`). */
  const delegate = (target: string, ctx: Context, request: JsonRequest): Promise<unknown> => {
    const answer: Promise<unknown> = base(target)(ctx, request);
    return answer;
  };
  const checked =
    (target: string): Route =>
    async (ctx, request: JsonRequest) => {
      const { scopes } = await sessions.liveAccess(ctx, text(request, 'AccessToken'));
      if (!scopes.includes(USER_ADMIN_SCOPE))
        throw new NotAuthorizedError('Access Token does not have required scopes');
      return delegate(target, ctx, request);
    };

  const targets = new Map<string, Route>(ACCESS_TOKEN_TARGETS.map((target) => [target, checked(target)]));
  targets.set('InitiateAuth', async (ctx, request: JsonRequest) => {
    const flow = request.AuthFlow;
    const parameters = params(request, 'AuthParameters');
    const clientId = text(request, 'ClientId');
    if (flow === 'USER_SRP_AUTH') return srp.start(ctx, clientId, parameters);
    if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN')
      return authenticated(await refresh(ctx, text(parameters, 'REFRESH_TOKEN'), clientId));
    if (flow === 'USER_PASSWORD_AUTH') await refuseDisabled(ctx, cognito, clientId, parameters.USERNAME);
    // Cognito answers a wrong password as it answers an unknown user; cognito-local does not.
    return delegate('InitiateAuth', ctx, request).catch((error: unknown) => {
      throw error instanceof InvalidPasswordError ? new NotAuthorizedError(BAD_CREDENTIALS) : error;
    });
  });
  targets.set('RespondToAuthChallenge', (ctx, request: JsonRequest) =>
    request.ChallengeName === 'PASSWORD_VERIFIER'
      ? srp.verify(ctx, text(request, 'ClientId'), params(request, 'ChallengeResponses'))
      : delegate('RespondToAuthChallenge', ctx, request),
  );
  targets.set('GetTokensFromRefreshToken', async (ctx, request: JsonRequest) => ({
    AuthenticationResult: await refresh(ctx, text(request, 'RefreshToken'), text(request, 'ClientId')),
  }));
  targets.set('RevokeToken', async (ctx, request: JsonRequest) => {
    if (!(await sessions.revoke(ctx, text(request, 'Token'), text(request, 'ClientId'))))
      throw new NotAuthorizedError('Invalid token');
    return {};
  });
  targets.set('GlobalSignOut', async (ctx, request: JsonRequest) => {
    const { pool, user, scopes } = await sessions.liveAccess(ctx, text(request, 'AccessToken'));
    if (!scopes.includes(USER_ADMIN_SCOPE)) throw new NotAuthorizedError('Access Token does not have required scopes');
    await sessions.endAll(ctx, pool, user);
    return {};
  });
  targets.set('AdminUserGlobalSignOut', async (ctx, request: JsonRequest) => {
    const pool = await cognito.getUserPool(ctx, text(request, 'UserPoolId'));
    const user = await pool.getUserByUsername(ctx, text(request, 'Username'));
    if (!user) throw new UserNotFoundError('User does not exist.');
    await sessions.endAll(ctx, pool, user);
    return {};
  });
  return targets;
}

/** Cognito refuses a disabled user's sign-in; cognito-local lets it through. */
async function refuseDisabled(ctx: Context, cognito: CognitoService, clientId: string, username: unknown) {
  if (typeof username !== 'string') return;
  const pool = await cognito.getUserPoolForClientId(ctx, clientId);
  const user = await pool.getUserByUsername(ctx, username);
  if (user && !user.Enabled) throw new NotAuthorizedError('User is disabled.');
}

interface PendingSrp {
  readonly challenge: SrpChallenge;
  readonly clientId: string;
  readonly pool: UserPoolService;
  /** Undefined for an unknown user: the challenge goes on and fails at the verifier, as Cognito's does. */
  readonly username: string | undefined;
  readonly expiresAtMs: number;
}

function srpFlow({ cognito, sessions, nowMs }: TargetDeps) {
  const pending = new Map<string, PendingSrp>();
  const forget = (): void => {
    for (const [block, entry] of pending) if (entry.expiresAtMs <= nowMs()) pending.delete(block);
  };
  return {
    async start(ctx: Context, clientId: string, parameters: JsonRequest) {
      const username = text(parameters, 'USERNAME');
      const clientPublicHex = text(parameters, 'SRP_A');
      if (!(await cognito.getAppClient(ctx, clientId))) throw new NotAuthorizedError('Invalid client id');
      const pool = await cognito.getUserPoolForClientId(ctx, clientId);
      const user = await pool.getUserByUsername(ctx, username);
      let challenge: SrpChallenge;
      try {
        challenge = startSrp({
          userPoolId: pool.options.Id,
          userId: user?.Username ?? username,
          password: user?.Password ?? randomBytes(32).toString('hex'),
          clientPublicHex,
        });
      } catch (error) {
        if (error instanceof SrpInputError) throw new InvalidParameterError(`Invalid SRP_A: ${error.message}`);
        throw error;
      }
      forget();
      pending.set(challenge.secretBlock, {
        challenge,
        clientId,
        pool,
        username: user?.Username,
        expiresAtMs: nowMs() + SRP_CHALLENGE_MS,
      });
      return {
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeParameters: {
          SALT: challenge.salt,
          SECRET_BLOCK: challenge.secretBlock,
          SRP_B: challenge.serverPublic,
          USERNAME: challenge.userId,
          USER_ID_FOR_SRP: challenge.userId,
        },
      };
    },

    async verify(ctx: Context, clientId: string, responses: JsonRequest) {
      const block = text(responses, 'PASSWORD_CLAIM_SECRET_BLOCK');
      const entry = pending.get(block);
      pending.delete(block);
      if (!entry || entry.expiresAtMs <= nowMs() || entry.clientId !== clientId)
        throw new NotAuthorizedError('Invalid session for the user, session is expired.');
      const valid =
        text(responses, 'USERNAME') === entry.challenge.userId &&
        verifySrpClaim(entry.challenge, text(responses, 'TIMESTAMP'), text(responses, 'PASSWORD_CLAIM_SIGNATURE'));
      const user = entry.username === undefined ? null : await entry.pool.getUserByUsername(ctx, entry.username);
      if (!valid || !user) throw new NotAuthorizedError(BAD_CREDENTIALS);
      if (!user.Enabled) throw new NotAuthorizedError('User is disabled.');
      if (user.UserStatus === 'UNCONFIRMED') throw new UserNotConfirmedException();
      if (user.UserStatus !== 'CONFIRMED')
        throw new CognitoError('NotAuthorizedException', `Sign-in needs ${user.UserStatus}: set a permanent password`);
      return authenticated(
        await sessions.open(ctx, {
          pool: entry.pool,
          user,
          clientId,
          scopes: [USER_ADMIN_SCOPE],
          withIdToken: true,
        }),
      );
    },
  };
}
