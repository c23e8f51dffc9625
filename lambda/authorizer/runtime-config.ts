/**
 * Reads AUTHORIZER_CONFIG (lib/config/function-environment.ts): the routes, group precedence and
 * limits the construct that deployed this function was built with. Checked field by field once per
 * cold start; anything malformed is an Error whose message names the field (the authorizer then
 * rejects every request with CONFIG_ERROR).
 *
 * Where it comes from is decided here, for the authorizer and the logout route alike: the code, when
 * the API construct bundled it in (lib/contracts/authorizer-config.ts › BUNDLED_AUTHORIZER_CONFIG),
 * else the environment variable (the local system, the tests and the bench run unbundled code, or a
 * bundle built without it).
 */
import { HTTP_METHODS, ROUTE_PATH_PATTERN, type HttpMethod, type RouteAccess } from '../../lib/contracts/access-map';
import type { VerificationLimits } from '../../lib/contracts/authorizer-config';
import type { AuthorizerRuntimeConfig, RevocationRuntimeConfig } from '../../lib/contracts/authorizer-config';
import { ENV, requireEnv, type RuntimeEnv } from '../../lib/contracts/runtime-env';
import { isJsonObject, parseJsonObject, type JsonObject } from '../../lib/contracts/json';

/** Replaced by a string literal at bundling (esbuild `define`); unbundled, no such global exists. */
declare const BUNDLED_AUTHORIZER_CONFIG: string | undefined;

/** The AUTHORIZER_CONFIG JSON: from the code when it was bundled in, else from the environment. */
export function authorizerConfigText(env: RuntimeEnv): string {
  return typeof BUNDLED_AUTHORIZER_CONFIG === 'string'
    ? BUNDLED_AUTHORIZER_CONFIG
    : requireEnv(env, ENV.authorizerConfig);
}

class RuntimeConfigError extends Error {
  readonly name = 'RuntimeConfigError';
  constructor(detail: string) {
    super(`${ENV.authorizerConfig} ${detail}`);
  }
}

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
