/**
 * What each Lambda finds in its environment, built from a config, the routes and the user pool.
 * The API construct sets exactly these variables, except AUTHORIZER_CONFIG, which it bundles into
 * the functions' code instead (lib/constructs/lambda-environment.ts › authorizerConfigInCode); the
 * local system sets them all (plus its loopback overrides) before it loads the handlers. Values may
 * be CDK tokens (plain strings here).
 *
 * Must stay free of aws-cdk-lib imports.
 */
import { isPublic, type HandlerName, type Route } from '../contracts/access-map';
import { groupsByPrecedence, type AppConfig } from './app-config';
import type { AuthorizerRuntimeConfig } from '../contracts/authorizer-config';
import { revocationRetention, revocationRetentionSeconds } from './revocation-retention';
import { ENV } from '../contracts/runtime-env';
import { TABLES, type TableDefinition } from '../contracts/tables';

export interface PoolIds {
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  /**
   * The machine clients whose tokens the authorizer accepts (decided by their scopes).
   * @default none
   */
  readonly machineClientIds?: readonly string[];
}

/** What the backends need besides the pool: CORS (every one) and the Hosted UI code exchange (auth). */
export interface BackendSettings {
  readonly tokenEndpoint: string;
  readonly callbackUrls: readonly string[];
  /** Origins whose browser apps may read the backends' answers (lib/contracts/cors.ts). */
  readonly allowedOrigins: readonly string[];
}

export function authorizerRuntimeConfig(config: AppConfig, routes: readonly Route[]): AuthorizerRuntimeConfig {
  const {
    acceptIdTokens,
    clockSkewSeconds,
    maxTokenLifetimeSeconds,
    jwksFetchTimeoutMs,
    jwksPenaltySeconds,
    maxHeaderBytes,
  } = config.authorizer;
  return {
    routes: routes
      .filter((route) => !isPublic(route))
      .map(({ method, path, access, scopes }) => ({ method, path, access, ...(scopes ? { scopes } : {}) })),
    groupPrecedence: groupsByPrecedence(config).map((group) => group.name),
    resourceServer: config.resourceServer.identifier,
    // Not the cache TTL: only API Gateway uses it.
    limits: {
      acceptIdTokens,
      clockSkewSeconds,
      maxTokenLifetimeSeconds,
      jwksFetchTimeoutMs,
      jwksPenaltySeconds,
      maxHeaderBytes,
    },
    revocation: {
      enabled: config.revocation.enabled,
      refreshMs: config.revocation.refreshSeconds * 1000,
      readTimeoutMs: config.revocation.readTimeoutMs,
      failOpen: config.revocation.failOpen,
      retentionSeconds: revocationRetentionSeconds(config),
    },
  };
}

export function authorizerEnvironment(
  config: AppConfig,
  routes: readonly Route[],
  pool: PoolIds,
): Record<string, string> {
  return {
    [ENV.userPoolId]: pool.userPoolId,
    [ENV.userPoolClientId]: pool.userPoolClientId,
    [ENV.machineClientIds]: (pool.machineClientIds ?? []).join(','),
    [ENV.authorizerConfig]: JSON.stringify(authorizerRuntimeConfig(config, routes)),
  };
}

/** Whether a backend writes to the revocation store (its table definition lets it put items). */
function recordsRevocations(handler: HandlerName): boolean {
  const access: TableDefinition['access'] = TABLES.revocations.access;
  return access[handler]?.items.includes('PutItem') ?? false;
}

function revocationRetentionEnvironment(config: AppConfig): Record<string, string> {
  const { tokenSeconds, userSeconds } = revocationRetention(config);
  return {
    [ENV.revocationRetentionSeconds]: String(tokenSeconds),
    [ENV.revocationUserRetentionSeconds]: String(userSeconds),
  };
}

/**
 * Every backend gets the pool, the CORS origins and the clock skew (it rejects expired tokens the
 * authorizer's cached answer still carries); those that record revocations also how long to keep
 * them; the auth handler also the Hosted UI endpoints, the refresh lifetime and the authorizer's
 * settings (AUTHORIZER_CONFIG), to verify the logout route's token exactly as the authorizer does.
 */
export function handlerEnvironment(
  handler: HandlerName,
  config: AppConfig,
  routes: readonly Route[],
  pool: PoolIds,
  settings: BackendSettings,
): Record<string, string> {
  const common = {
    [ENV.userPoolId]: pool.userPoolId,
    [ENV.userPoolClientId]: pool.userPoolClientId,
    [ENV.allowedOrigins]: settings.allowedOrigins.join(','),
    [ENV.clockSkewSeconds]: String(config.authorizer.clockSkewSeconds),
    ...(recordsRevocations(handler) ? revocationRetentionEnvironment(config) : {}),
  };
  if (handler !== 'auth') return common;
  return {
    ...common,
    // POST /auth/logout verifies its Bearer token as the authorizer does, from the authorizer's own
    // settings (the same value: the local system hosts every function in one environment).
    [ENV.authorizerConfig]: JSON.stringify(authorizerRuntimeConfig(config, routes)),
    [ENV.tokenEndpoint]: settings.tokenEndpoint,
    [ENV.callbackUrls]: settings.callbackUrls.join(','),
    [ENV.refreshTokenDays]: String(config.tokens.refreshTokenDays),
  };
}
