/**
 * What the authorizer needs to know, read once per cold start from the Lambda environment
 * (lib/config/runtime-env.ts is the contract): the pool, and AUTHORIZER_CONFIG with the routes,
 * group precedence and limits of the construct that deployed it.
 */
import { accessMap, type Route, type RouteAccess } from '../../lib/config/access-map';
import type { AppConfig, VerificationLimits } from '../../lib/config/app-config';
import { authorizerRuntimeConfig, type AuthorizerRuntimeConfig } from '../../lib/config/function-environment';
import {
  ENV,
  cognitoIssuer,
  jwksUriFor,
  loopbackOverride,
  requireEnv,
  type RuntimeEnv,
} from '../../lib/config/runtime-env';
import { parseAuthorizerRuntimeConfig } from './runtime-config';

export interface AuthorizerSettings extends VerificationLimits {
  /** Exact expected `iss`. */
  readonly issuer: string;
  readonly jwksUri: string;
  /** Expected `client_id` (access tokens) or `aud` (ID tokens). */
  readonly clientId: string;
  /** Group names, lowest precedence number first: decides `primaryGroup`. */
  readonly groupPrecedence: readonly string[];
  readonly routes: readonly RouteAccess[];
}

interface PoolSettings {
  readonly issuer: string;
  readonly jwksUri?: string;
  readonly clientId: string;
}

/** Settings as a construct built with `config` and `routes` hands them to its authorizer (tests, bench). */
export function settingsFromConfig(config: AppConfig, pool: PoolSettings, routes: readonly Route[] = accessMap): AuthorizerSettings {
  return settingsFrom(authorizerRuntimeConfig(config, routes), pool);
}

/**
 * In AWS the issuer is derived from the region and pool id, so it cannot be pointed elsewhere.
 * The local system may override issuer and JWKS URI, but only with loopback URLs.
 */
export function settingsFromEnv(env: RuntimeEnv): AuthorizerSettings {
  const runtime = parseAuthorizerRuntimeConfig(requireEnv(env, ENV.authorizerConfig));
  const issuer =
    loopbackOverride(env, ENV.issuerOverride) ??
    cognitoIssuer(requireEnv(env, ENV.region), requireEnv(env, ENV.userPoolId));
  return settingsFrom(runtime, {
    issuer,
    jwksUri: loopbackOverride(env, ENV.jwksUriOverride),
    clientId: requireEnv(env, ENV.userPoolClientId),
  });
}

function settingsFrom(runtime: AuthorizerRuntimeConfig, pool: PoolSettings): AuthorizerSettings {
  return {
    ...runtime.limits,
    issuer: pool.issuer,
    jwksUri: pool.jwksUri ?? jwksUriFor(pool.issuer),
    clientId: pool.clientId,
    groupPrecedence: runtime.groupPrecedence,
    routes: runtime.routes,
  };
}
