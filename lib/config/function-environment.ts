/**
 * What each Lambda finds in its environment, built from a config, the routes and the user pool.
 * The API construct sets exactly these variables; the local system sets the same ones (plus its
 * loopback overrides) before it loads the handlers. Values may be CDK tokens (plain strings here).
 *
 * Must stay free of aws-cdk-lib imports.
 */
import { isPublic, type HandlerName, type Route, type RouteAccess } from './access-map';
import { groupsByPrecedence, type AppConfig, type VerificationLimits } from './app-config';
import { ENV } from './runtime-env';

/** The JSON in AUTHORIZER_CONFIG: everything the authorizer decides with, besides the pool. */
export interface AuthorizerRuntimeConfig {
  /** The routes behind the authorizer (public ones never reach it). */
  readonly routes: readonly RouteAccess[];
  /** Group names, lowest precedence number first: decides `primaryGroup`. */
  readonly groupPrecedence: readonly string[];
  readonly limits: VerificationLimits;
}

export interface PoolIds {
  readonly userPoolId: string;
  readonly userPoolClientId: string;
}

/** What the backends need besides the pool: CORS (every one) and the Hosted UI code exchange (auth). */
export interface BackendSettings {
  readonly tokenEndpoint: string;
  readonly callbackUrls: readonly string[];
  /** Origins whose browser apps may read the backends' answers (lib/config/cors.ts). */
  readonly allowedOrigins: readonly string[];
}

export function authorizerRuntimeConfig(config: AppConfig, routes: readonly Route[]): AuthorizerRuntimeConfig {
  const { acceptIdTokens, clockSkewSeconds, maxTokenLifetimeSeconds, jwksFetchTimeoutMs, jwksPenaltySeconds, maxHeaderBytes } = config.authorizer;
  return {
    routes: routes.filter((route) => !isPublic(route)).map(({ method, path, access }) => ({ method, path, access })),
    groupPrecedence: groupsByPrecedence(config).map((group) => group.name),
    // Not the cache TTL: only API Gateway uses it.
    limits: { acceptIdTokens, clockSkewSeconds, maxTokenLifetimeSeconds, jwksFetchTimeoutMs, jwksPenaltySeconds, maxHeaderBytes },
  };
}

export function authorizerEnvironment(config: AppConfig, routes: readonly Route[], pool: PoolIds): Record<string, string> {
  return {
    [ENV.userPoolId]: pool.userPoolId,
    [ENV.userPoolClientId]: pool.userPoolClientId,
    [ENV.authorizerConfig]: JSON.stringify(authorizerRuntimeConfig(config, routes)),
  };
}

/** Every backend gets the pool and the CORS origins; the auth handler also the Hosted UI endpoints and the refresh lifetime. */
export function handlerEnvironment(handler: HandlerName, config: AppConfig, pool: PoolIds, settings: BackendSettings): Record<string, string> {
  const common = {
    [ENV.userPoolId]: pool.userPoolId,
    [ENV.userPoolClientId]: pool.userPoolClientId,
    [ENV.allowedOrigins]: settings.allowedOrigins.join(','),
  };
  if (handler !== 'auth') return common;
  return {
    ...common,
    [ENV.tokenEndpoint]: settings.tokenEndpoint,
    [ENV.callbackUrls]: settings.callbackUrls.join(','),
    [ENV.refreshTokenDays]: String(config.tokens.refreshTokenDays),
  };
}
