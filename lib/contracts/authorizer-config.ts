/**
 * AUTHORIZER_CONFIG, the JSON built from a config and routes (lib/config/function-environment.ts)
 * that the authorizer reads once per cold start (lambda/authorizer/runtime-config.ts): everything it
 * decides with, besides the pool, and its parser. Deployed functions carry it in their code
 * (BUNDLED_AUTHORIZER_CONFIG), checked by this parser at synth; the local system, the tests and the
 * bench hand it over in the environment variable, which the authorizer checks with it at load.
 */
import { HTTP_METHODS, ROUTE_PATH_PATTERN, type HttpMethod, type RouteAccess } from './access-map';
import { isJsonObject, parseJsonObject, type JsonObject } from './json';
import { ENV } from './runtime-env';

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

class RuntimeConfigError extends Error {
  readonly name = 'RuntimeConfigError';
  constructor(detail: string) {
    super(`${ENV.authorizerConfig} ${detail}`);
  }
}

/**
 * Checks AUTHORIZER_CONFIG field by field; anything malformed is an Error whose message names the
 * field (the authorizer then rejects every request with CONFIG_ERROR; synth fails with it).
 */
export function parseAuthorizerRuntimeConfig(text: string): AuthorizerRuntimeConfig {
  const value = parseJsonObject(text);
  if (!value) throw new RuntimeConfigError('is not a JSON object');
  const { routes, groupPrecedence, resourceServer, limits, revocation } = value;
  if (!Array.isArray(routes)) throw new RuntimeConfigError('.routes must be an array');
  if (!isStringArray(groupPrecedence)) throw new RuntimeConfigError('.groupPrecedence must be an array of group names');
  if (typeof resourceServer !== 'string' || resourceServer === '')
    throw new RuntimeConfigError('.resourceServer must be the resource server identifier');
  if (!isJsonObject(limits)) throw new RuntimeConfigError('.limits must be an object');
  if (!isJsonObject(revocation)) throw new RuntimeConfigError('.revocation must be an object');
  return {
    routes: routes.map(toRoute),
    groupPrecedence,
    resourceServer,
    limits: toLimits(limits),
    revocation: toRevocation(revocation),
  };
}

function toRoute(value: unknown, index: number): RouteAccess {
  const where = `.routes[${index}]`;
  if (!isJsonObject(value)) throw new RuntimeConfigError(`${where} must be an object`);
  const { method, path, access, scopes } = value;
  if (!isHttpMethod(method)) throw new RuntimeConfigError(`${where}.method must be one of ${HTTP_METHODS.join(', ')}`);
  if (typeof path !== 'string' || !ROUTE_PATH_PATTERN.test(path))
    throw new RuntimeConfigError(`${where}.path must be a resource path like /api/items/{id}`);
  if (access !== 'public' && access !== 'authenticated' && !isStringArray(access)) {
    throw new RuntimeConfigError(`${where}.access must be "public", "authenticated" or a list of group names`);
  }
  if (scopes !== undefined && !isStringArray(scopes))
    throw new RuntimeConfigError(`${where}.scopes must be a list of scope names`);
  return scopes === undefined ? { method, path, access } : { method, path, access, scopes };
}

function toLimits(limits: JsonObject): VerificationLimits {
  const { acceptIdTokens } = limits;
  if (typeof acceptIdTokens !== 'boolean') throw new RuntimeConfigError('.limits.acceptIdTokens must be true or false');
  const number = (name: keyof Omit<VerificationLimits, 'acceptIdTokens'>): number => {
    const value = limits[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw new RuntimeConfigError(`.limits.${name} must be a number, 0 or more`);
    return value;
  };
  return {
    acceptIdTokens,
    clockSkewSeconds: number('clockSkewSeconds'),
    maxTokenLifetimeSeconds: number('maxTokenLifetimeSeconds'),
    jwksFetchTimeoutMs: number('jwksFetchTimeoutMs'),
    jwksPenaltySeconds: number('jwksPenaltySeconds'),
    maxHeaderBytes: number('maxHeaderBytes'),
  };
}

function toRevocation(revocation: JsonObject): RevocationRuntimeConfig {
  const { enabled, failOpen } = revocation;
  if (typeof enabled !== 'boolean') throw new RuntimeConfigError('.revocation.enabled must be true or false');
  if (typeof failOpen !== 'boolean') throw new RuntimeConfigError('.revocation.failOpen must be true or false');
  return {
    enabled,
    failOpen,
    refreshMs: wholeNumber(revocation, 'refreshMs', '.revocation', 0),
    readTimeoutMs: wholeNumber(revocation, 'readTimeoutMs', '.revocation', 1),
    retentionSeconds: wholeNumber(revocation, 'retentionSeconds', '.revocation', 1),
  };
}

function wholeNumber(object: JsonObject, name: string, where: string, min: number): number {
  const value = object[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min)
    throw new RuntimeConfigError(`${where}.${name} must be a whole number, ${min} or more`);
  return value;
}

function isHttpMethod(value: unknown): value is HttpMethod {
  return HTTP_METHODS.some((method) => method === value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
