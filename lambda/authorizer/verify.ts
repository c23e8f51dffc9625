/**
 * Step 2: prove the token was issued by our user pool for our app client, and is current.
 * aws-jwt-verify checks the RS256 signature against the pool's JWKS (by kid), iss, exp and nbf;
 * we add what Cognito's own verifier checks (token_use, client id) and what it leaves optional:
 * exp and iat required as whole seconds, a plausible lifetime, and a well-formed cognito:groups.
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
import { BoundedJwksFetcher, JwksFetchError } from './jwks-fetcher';
import { TokenRejectedError, type RejectionReason } from './reasons';
import type { AuthorizerSettings } from './settings';

/** The claims the rest of the authorizer relies on, after verification. */
export interface VerifiedClaims {
  readonly sub: string;
  readonly username: string;
  readonly groups: readonly string[];
  readonly clientId: string;
  readonly tokenUse: 'access' | 'id';
}

export interface TokenVerifier {
  /** Synchronous once the JWKS is cached; a promise only when it must be fetched. */
  verify(token: string): VerifiedClaims | Promise<VerifiedClaims>;
  /** Loads the JWKS ahead of the first request (optional warm-up). */
  hydrate(): Promise<void>;
}

export function createTokenVerifier(settings: AuthorizerSettings): TokenVerifier {
  const jwksCache = new SimpleJwksCache({
    fetcher: new BoundedJwksFetcher(settings.jwksFetchTimeoutMs),
    penaltyBox: new SimplePenaltyBox({ waitSeconds: settings.jwksPenaltySeconds }),
  });
  const allowedTokenUses = settings.acceptIdTokens ? ['access', 'id'] : ['access'];
  const verifier = JwtVerifier.create(
    {
      issuer: settings.issuer,
      jwksUri: settings.jwksUri,
      audience: null, // access tokens have no aud; the client id is checked below
      graceSeconds: settings.clockSkewSeconds,
      customJwtCheck: ({ payload }) => checkCognitoClaims(payload, settings, allowedTokenUses),
    },
    { jwksCache },
  );

  return {
    verify(token) {
      try {
        // Warm path stays synchronous: keys are cached after the first fetch.
        return toVerifiedClaims(verifier.verifySync(token));
      } catch (error) {
        if (!(error instanceof JwksNotAvailableInCacheError || error instanceof KidNotFoundInJwksError)) {
          throw asRejection(error);
        }
      }
      // Cold start or key rotation: fetch the JWKS (once; the penalty box limits refetches).
      return verifier.verify(token).then(toVerifiedClaims, (error: unknown) => {
        throw asRejection(error);
      });
    },
    hydrate: () => verifier.hydrate(),
  };
}

function checkCognitoClaims(payload: JwtPayload, settings: AuthorizerSettings, allowedTokenUses: string[]): void {
  if (payload.exp === undefined) throw new TokenRejectedError('MISSING_EXP', 'Token has no exp');
  if (payload.iat === undefined) throw new TokenRejectedError('BAD_CLAIMS', 'Token has no iat');
  // Cognito writes whole positive seconds; fractions, negatives or unsafe numbers mean someone else wrote them.
  for (const name of TIME_CLAIMS) {
    const value = payload[name];
    if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) > 0)) {
      throw new TokenRejectedError('BAD_CLAIMS', `${name} is not a positive whole number of seconds`);
    }
  }
  const { exp, iat } = payload as { exp: number; iat: number };
  if (iat - settings.clockSkewSeconds > Date.now() / 1000) throw new TokenRejectedError('NOT_YET_VALID', 'Token iat is in the future');
  if (exp - iat > settings.maxTokenLifetimeSeconds) throw new TokenRejectedError('BAD_CLAIMS', 'Token lifetime is longer than Cognito issues');
  if (typeof payload.token_use !== 'string' || !allowedTokenUses.includes(payload.token_use)) {
    throw new TokenRejectedError('WRONG_TOKEN_USE', 'Token use is not accepted');
  }
  // Access tokens name the client in client_id, ID tokens in aud; exactly one string, ours.
  // (A list could smuggle our client id next to another.)
  if ((payload.token_use === 'id' ? payload.aud : payload.client_id) !== settings.clientId) {
    throw new TokenRejectedError('WRONG_CLIENT', 'Token was issued to another client');
  }
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
    throw new TokenRejectedError('BAD_CLAIMS', 'Token has no sub');
  }
  const groups = payload['cognito:groups'];
  if (groups !== undefined && !(Array.isArray(groups) && groups.every((group) => typeof group === 'string'))) {
    throw new TokenRejectedError('BAD_CLAIMS', 'cognito:groups is not an array of strings');
  }
}

function toVerifiedClaims(payload: JwtPayload): VerifiedClaims {
  const tokenUse = payload.token_use as 'access' | 'id';
  const username = tokenUse === 'id' ? payload['cognito:username'] : payload.username;
  return {
    sub: payload.sub as string,
    username: typeof username === 'string' ? username : (payload.sub as string),
    groups: (payload['cognito:groups'] as string[] | undefined) ?? [],
    clientId: (tokenUse === 'id' ? payload.aud : payload.client_id) as string,
    tokenUse,
  };
}

const TIME_CLAIMS = ['exp', 'iat', 'nbf', 'auth_time'] as const;

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
  return new TokenRejectedError(match ? match[1] : 'INTERNAL_ERROR', detail);
}
