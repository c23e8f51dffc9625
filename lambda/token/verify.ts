/**
 * Step 2: prove the token was issued by our user pool for our app client, and is current.
 * aws-jwt-verify checks the RS256 signature against the pool's JWKS (by kid), iss, exp and nbf;
 * cognitoClaims then checks the rest and returns the claims the authorizer relies on.
 */
import { JwtVerifier } from 'aws-jwt-verify/jwt-verifier';
import {
  JwksNotAvailableInCacheError,
  JwksValidationError,
  JwkValidationError,
  JwtExpiredError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  WaitPeriodNotYetEndedJwkError,
  FetchError,
} from 'aws-jwt-verify/error';
import { SimpleJwksCache, SimplePenaltyBox } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { sessionIdOf } from '../../lib/contracts/revocation-items';
import { BoundedJwksFetcher, JwksFetchError } from './jwks-fetcher';
import { TokenRejectedError, type RejectionReason } from './reasons';
import type { VerificationLimits } from '../../lib/contracts/authorizer-config';

/** The claims the rest of the authorizer relies on, after verification. */
export interface VerifiedClaims {
  readonly sub: string;
  /** People: `username` (`cognito:username`); machines: their client id. */
  readonly username: string;
  /** People's groups; always empty for a machine (its groups, if any, grant nothing). */
  readonly groups: readonly string[];
  readonly clientId: string;
  /**
   * A machine client's token (client-credentials grant): decided by `scopes`, never by groups.
   * People's tokens: false, and their scopes change nothing.
   */
  readonly machine: boolean;
  /** A machine token's scopes of our resource server, as short names (`reviews.read`); empty for people. */
  readonly scopes: readonly string[];
  readonly tokenUse: 'access' | 'id';
  /** `iat`, epoch seconds: the revocation check compares it with a user's cut-off. */
  readonly issuedAt: number;
  /** `exp`, epoch seconds: handed to the backends, which refuse the request once it has passed. */
  readonly expiresAt: number;
  /** The session the token belongs to (lib/contracts/revocation-items.ts › sessionIdOf). */
  readonly sessionId: string | undefined;
}

/** Whose tokens are accepted, and how strictly (the authorizer's settings carry these, and logout reads the same). */
export interface VerifierSettings extends VerificationLimits {
  /** Exact expected `iss`. */
  readonly issuer: string;
  readonly jwksUri: string;
  /** Expected `client_id` (access tokens) or `aud` (ID tokens) of people's tokens. */
  readonly clientId: string;
  /** Machine clients whose access tokens are accepted, and decided by their scopes. */
  readonly machineClientIds: readonly string[];
  /** The resource server identifier: only `<identifier>/<scope>` scopes count. */
  readonly resourceServer: string;
}

export interface TokenVerifier {
  /** Verifies without waiting once the JWKS is cached; fetches it first on a cold start or an unknown key. */
  verify(token: string): Promise<VerifiedClaims>;
  /** Loads the JWKS ahead of the first request (optional warm-up). */
  hydrate(): Promise<void>;
}

export function createTokenVerifier(settings: VerifierSettings): TokenVerifier {
  const jwksCache = new SimpleJwksCache({
    fetcher: new BoundedJwksFetcher(settings.jwksFetchTimeoutMs),
    penaltyBox: new SimplePenaltyBox({ waitSeconds: settings.jwksPenaltySeconds }),
  });
  const verifier = JwtVerifier.create(
    {
      issuer: settings.issuer,
      jwksUri: settings.jwksUri,
      audience: null, // access tokens have no aud; the client id is checked by cognitoClaims
      graceSeconds: settings.clockSkewSeconds,
    },
    { jwksCache },
  );
  const claimsOf = (payload: JwtPayload): VerifiedClaims => cognitoClaims(payload, settings);

  return {
    async verify(token) {
      let payload: JwtPayload;
      try {
        payload = verifier.verifySync(token);
      } catch (error) {
        if (!(error instanceof JwksNotAvailableInCacheError || error instanceof KidNotFoundInJwksError)) {
          throw asRejection(error);
        }
        // Cold start or key rotation: fetch the JWKS (once; the penalty box limits refetches).
        try {
          payload = await verifier.verify(token);
        } catch (fetchError) {
          throw asRejection(fetchError);
        }
      }
      return claimsOf(payload);
    },
    hydrate: () => verifier.hydrate(),
  };
}

const NO_GROUPS: readonly string[] = Object.freeze([]);

/**
 * Runs on the payload aws-jwt-verify returns (signature, iss, exp and nbf already checked) and
 * checks what it leaves to us: what Cognito's own verifier checks (token_use, client id) and what
 * it leaves optional (exp and iat as whole seconds, a plausible lifetime, a well-formed
 * cognito:groups). The claims come out typed by these checks.
 */
function cognitoClaims(payload: JwtPayload, settings: VerifierSettings): VerifiedClaims {
  const { exp, iat } = payload;
  if (exp === undefined) throw new TokenRejectedError('MISSING_EXP', 'Token has no exp');
  if (iat === undefined) throw new TokenRejectedError('BAD_CLAIMS', 'Token has no iat');
  // Cognito writes whole positive seconds; fractions, negatives or unsafe numbers mean someone else wrote them.
  assertWholeSeconds(exp, 'exp');
  assertWholeSeconds(iat, 'iat');
  if (payload.nbf !== undefined) assertWholeSeconds(payload.nbf, 'nbf');
  if (payload.auth_time !== undefined) assertWholeSeconds(payload.auth_time, 'auth_time');
  if (iat - settings.clockSkewSeconds > Date.now() / 1000)
    throw new TokenRejectedError('NOT_YET_VALID', 'Token iat is in the future');
  if (exp - iat > settings.maxTokenLifetimeSeconds)
    throw new TokenRejectedError('BAD_CLAIMS', 'Token lifetime is longer than Cognito issues');
  const tokenUse = payload.token_use;
  if (!(tokenUse === 'access' || (tokenUse === 'id' && settings.acceptIdTokens))) {
    throw new TokenRejectedError('WRONG_TOKEN_USE', 'Token use is not accepted');
  }
  // Access tokens name the client in client_id, ID tokens in aud; exactly one string, ours.
  // (A list could smuggle our client id next to another.)
  const clientId = tokenUse === 'id' ? payload.aud : payload.client_id;
  const machine = tokenUse === 'access' && isMachineClient(clientId, settings);
  if (clientId !== settings.clientId && !machine) {
    throw new TokenRejectedError('WRONG_CLIENT', 'Token was issued to another client');
  }
  const { sub } = payload;
  if (typeof sub !== 'string' || sub.length === 0) throw new TokenRejectedError('BAD_CLAIMS', 'Token has no sub');
  // Cognito's client-credentials tokens name the client as their subject: anything else is not one.
  if (machine && sub !== clientId)
    throw new TokenRejectedError('BAD_CLAIMS', "A machine token's sub is not its client");
  const groups = payload['cognito:groups'];
  if (groups !== undefined && !isStringArray(groups)) {
    throw new TokenRejectedError('BAD_CLAIMS', 'cognito:groups is not an array of strings');
  }
  const username = tokenUse === 'id' ? payload['cognito:username'] : payload.username;
  return {
    sub,
    username: !machine && typeof username === 'string' ? username : sub,
    groups: machine ? NO_GROUPS : (groups ?? NO_GROUPS),
    // Checked above: a machine's client id is its sub; anyone else's is ours.
    clientId: machine ? sub : settings.clientId,
    machine,
    scopes: machine ? resourceServerScopes(payload.scope, settings.resourceServer) : NO_GROUPS,
    tokenUse,
    issuedAt: iat,
    expiresAt: exp,
    sessionId: sessionIdOf(payload),
  };
}

function isMachineClient(clientId: unknown, settings: VerifierSettings): boolean {
  return typeof clientId === 'string' && settings.machineClientIds.includes(clientId);
}

/**
 * The scopes of our resource server in a `scope` claim (RFC 6749 §3.3: space-separated), as short
 * names. Exact matches only: `<identifier>/reviews.readx` is not `reviews.read`, another server's
 * scope and a bare `reviews.read` count for nothing; empty items (extra spaces) are skipped.
 */
function resourceServerScopes(scope: unknown, resourceServer: string): readonly string[] {
  if (scope === undefined) return NO_GROUPS;
  if (typeof scope !== 'string') throw new TokenRejectedError('BAD_CLAIMS', 'scope is not a string');
  const prefix = `${resourceServer}/`;
  const names: string[] = [];
  for (const item of scope.split(' '))
    if (item.length > prefix.length && item.startsWith(prefix)) names.push(item.slice(prefix.length));
  return names;
}

function assertWholeSeconds(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new TokenRejectedError('BAD_CLAIMS', `${name} is not a positive whole number of seconds`);
  }
}

const isString = (item: unknown): item is string => typeof item === 'string';

function isStringArray(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every(isString);
}

/** Library errors by class (not by name: minification renames classes) to stable reason codes. */
const REASONS: ReadonlyArray<[new (...args: never[]) => Error, RejectionReason]> = [
  [JwtExpiredError, 'EXPIRED'],
  [JwtNotBeforeError, 'NOT_YET_VALID'],
  [JwtInvalidIssuerError, 'WRONG_ISSUER'],
  [JwtInvalidSignatureError, 'BAD_SIGNATURE'],
  [JwtInvalidSignatureAlgorithmError, 'UNSUPPORTED_ALG'],
  [KidNotFoundInJwksError, 'UNKNOWN_KID'],
  [JwtWithoutValidKidError, 'UNKNOWN_KID'],
  [WaitPeriodNotYetEndedJwkError, 'UNKNOWN_KID'],
  [JwtParseError, 'MALFORMED_TOKEN'],
  [JwksValidationError, 'JWKS_UNAVAILABLE'],
  [JwkValidationError, 'JWKS_UNAVAILABLE'],
  [FetchError, 'JWKS_UNAVAILABLE'],
  [JwksFetchError, 'JWKS_UNAVAILABLE'],
];

function asRejection(error: unknown): TokenRejectedError {
  if (error instanceof TokenRejectedError) return error;
  const match = REASONS.find(([errorClass]) => error instanceof errorClass);
  const detail = error instanceof Error ? error.message : 'Unknown error';
  return new TokenRejectedError(match ? match[1] : 'INTERNAL_ERROR', detail, { cause: error });
}
