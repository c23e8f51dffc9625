/**
 * What the authorizer needs to know, read once per cold start from the Lambda environment
 * (lib/contracts/runtime-env.ts is the contract): the pool, AUTHORIZER_CONFIG with the routes, group
 * precedence, limits and revocation check of the construct that deployed it (bundled into the code
 * when deployed: runtime-config.ts), and the revocation store's table (REVOCATIONS_TABLE_NAME) when
 * the check is on.
 */
import type { RouteAccess } from '../../lib/contracts/access-map';
import type { AuthorizerRuntimeConfig, RevocationRuntimeConfig } from '../../lib/contracts/authorizer-config';
import {
  ENV,
  cognitoIssuer,
  jwksUriFor,
  loopbackOverride,
  requireEnv,
  type RuntimeEnv,
} from '../../lib/contracts/runtime-env';
import type { VerifierSettings } from '../token/verify';
import { loadAuthorizerConfig } from './runtime-config';

/** The token verifier's settings, and what the authorizer decides with besides. */
export interface AuthorizerSettings extends VerifierSettings {
  /** Group names, lowest precedence number first: decides `primaryGroup`. */
  readonly groupPrecedence: readonly string[];
  readonly routes: readonly RouteAccess[];
  /** The revocation check; absent when it is off. */
  readonly revocation?: RevocationCheckSettings;
}

/** The check's settings, its table, and the environment its store client is configured from (region, local endpoint). */
export interface RevocationCheckSettings extends Omit<RevocationRuntimeConfig, 'enabled'> {
  readonly tableName: string;
  readonly env: RuntimeEnv;
}

export interface PoolSettings {
  readonly issuer: string;
  readonly jwksUri?: string;
  readonly clientId: string;
  readonly machineClientIds?: readonly string[];
}

/**
 * Settings from AUTHORIZER_CONFIG as the construct writes it, for a pool; the revocation check is on
 * when `store` names its table (and the config enables it).
 */
export function settingsFromRuntime(
  runtime: AuthorizerRuntimeConfig,
  pool: PoolSettings,
  store?: { readonly tableName: string; readonly env: RuntimeEnv },
): AuthorizerSettings {
  return settingsFrom(runtime, pool, store && revocationSettings(runtime.revocation, store.tableName, store.env));
}

/**
 * In AWS the issuer is derived from the region and pool id, so it cannot be pointed elsewhere.
 * The local system may override issuer and JWKS URI, but only with loopback URLs.
 */
export function settingsFromEnv(env: RuntimeEnv): AuthorizerSettings {
  const runtime = loadAuthorizerConfig(env);
  const issuer =
    loopbackOverride(env, ENV.issuerOverride) ??
    cognitoIssuer(requireEnv(env, ENV.region), requireEnv(env, ENV.userPoolId));
  const pool = {
    issuer,
    jwksUri: loopbackOverride(env, ENV.jwksUriOverride),
    clientId: requireEnv(env, ENV.userPoolClientId),
    machineClientIds: (env[ENV.machineClientIds] ?? '').split(',').filter((id) => id !== ''),
  };
  // On, the check needs its table: a missing one is a configuration error (every request rejected), never a silent skip.
  return settingsFrom(
    runtime,
    pool,
    runtime.revocation.enabled
      ? revocationSettings(runtime.revocation, requireEnv(env, ENV.revocationsTable), env)
      : undefined,
  );
}

function revocationSettings(
  runtime: RevocationRuntimeConfig,
  tableName: string,
  env: RuntimeEnv,
): RevocationCheckSettings | undefined {
  if (!runtime.enabled) return undefined;
  const { refreshMs, readTimeoutMs, failOpen, retentionSeconds } = runtime;
  return { refreshMs, readTimeoutMs, failOpen, retentionSeconds, tableName, env };
}

function settingsFrom(
  runtime: AuthorizerRuntimeConfig,
  pool: PoolSettings,
  revocation: RevocationCheckSettings | undefined,
): AuthorizerSettings {
  return {
    ...runtime.limits,
    issuer: pool.issuer,
    jwksUri: pool.jwksUri ?? jwksUriFor(pool.issuer),
    clientId: pool.clientId,
    machineClientIds: pool.machineClientIds ?? [],
    resourceServer: runtime.resourceServer,
    groupPrecedence: runtime.groupPrecedence,
    routes: runtime.routes,
    revocation,
  };
}
