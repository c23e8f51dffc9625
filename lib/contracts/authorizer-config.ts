/**
 * AUTHORIZER_CONFIG, the JSON built from a config and routes (lib/config/function-environment.ts)
 * that the authorizer reads once per cold start (lambda/authorizer/runtime-config.ts): everything it
 * decides with, besides the pool. Deployed functions carry it in their code (BUNDLED_AUTHORIZER_CONFIG);
 * the local system, the tests and the bench hand it over in the environment variable.
 */
import type { RouteAccess } from './access-map';

/**
 * The global constant the API construct's bundling defines (esbuild `define`) to the AUTHORIZER_CONFIG
 * JSON, so that the access map travels in the code asset instead of Lambda's 4 KB environment.
 * lambda/authorizer/runtime-config.ts declares it under this name.
 */
export const BUNDLED_AUTHORIZER_CONFIG = 'BUNDLED_AUTHORIZER_CONFIG';

/** How strictly tokens are verified (lib/config/app-config.ts › AuthorizerConfig adds API Gateway's cache TTL). */
export interface VerificationLimits {
  /** Accept ID tokens as Bearer tokens (checked by `aud`). Access tokens only by default. */
  readonly acceptIdTokens: boolean;
  /** Tolerated clock difference for `exp`, `nbf` and `iat`. */
  readonly clockSkewSeconds: number;
  /** Longest `exp − iat` accepted: Cognito issues access and ID tokens for at most one day. */
  readonly maxTokenLifetimeSeconds: number;
  /** Time allowed for one JWKS download before the request fails closed. */
  readonly jwksFetchTimeoutMs: number;
  /** After a JWKS fetch for an unknown `kid`, no further fetch for this long. */
  readonly jwksPenaltySeconds: number;
  /** Authorization header values above this size are rejected unparsed. */
  readonly maxHeaderBytes: number;
}

/** How the authorizer checks verified tokens against the revocation store (its table comes in REVOCATIONS_TABLE_NAME). */
export interface RevocationRuntimeConfig {
  readonly enabled: boolean;
  /** At most this old, the in-memory copy of the revocations answers without a read (0: a read per decision). */
  readonly refreshMs: number;
  readonly readTimeoutMs: number;
  readonly failOpen: boolean;
  /** How long a revocation lives: the first read of a cold start reaches this far back. */
  readonly retentionSeconds: number;
}

/** The JSON of AUTHORIZER_CONFIG: everything the authorizer decides with, besides the pool. */
export interface AuthorizerRuntimeConfig {
  /** The routes behind the authorizer (public ones never reach it). */
  readonly routes: readonly RouteAccess[];
  /** Group names, lowest precedence number first: decides `primaryGroup`. */
  readonly groupPrecedence: readonly string[];
  /** The resource server's identifier: a machine token's scopes count only under it (`<identifier>/<scope>`). */
  readonly resourceServer: string;
  readonly limits: VerificationLimits;
  readonly revocation: RevocationRuntimeConfig;
}
