/**
 * What the authorizer needs to know, read once per cold start from the typed config and
 * the Lambda environment (lib/config/runtime-env.ts is the contract).
 */
import { configFor, groupsByPrecedence, isStage, type AppConfig, type AuthorizerConfig } from '../../lib/config/app-config';
import { accessMap, type Route } from '../../lib/config/access-map';
import {
  ENV,
  cognitoIssuer,
  jwksUriFor,
  loopbackOverride,
  requireEnv,
  type RuntimeEnv,
} from '../../lib/config/runtime-env';

/** The authorizer part of the typed config, minus what only API Gateway uses (its cache TTL). */
type VerificationLimits = Omit<AuthorizerConfig, 'resultsCacheTtlSeconds'>;

export interface AuthorizerSettings extends VerificationLimits {
  /** Exact expected `iss`. */
  readonly issuer: string;
  readonly jwksUri: string;
  /** Expected `client_id` (access tokens) or `aud` (ID tokens). */
  readonly clientId: string;
  /** Group names, lowest precedence number first: decides `primaryGroup`. */
  readonly groupPrecedence: readonly string[];
  readonly routes: readonly Route[];
}

export function settingsFromConfig(
  config: AppConfig,
  pool: { issuer: string; jwksUri?: string; clientId: string },
  routes: readonly Route[] = accessMap,
): AuthorizerSettings {
  const { resultsCacheTtlSeconds: _gatewayOnly, ...limits } = config.authorizer;
  return {
    ...limits,
    issuer: pool.issuer,
    jwksUri: pool.jwksUri ?? jwksUriFor(pool.issuer),
    clientId: pool.clientId,
    groupPrecedence: groupsByPrecedence(config).map((group) => group.name),
    routes,
  };
}

/**
 * In AWS the issuer is derived from the region and pool id, so it cannot be pointed elsewhere.
 * The local system may override issuer and JWKS URI, but only with loopback URLs.
 */
export function settingsFromEnv(env: RuntimeEnv): AuthorizerSettings {
  const stage = env[ENV.stage] ?? 'dev';
  if (!isStage(stage)) throw new Error(`${ENV.stage} must be dev or prod`);
  const issuer =
    loopbackOverride(env, ENV.issuerOverride) ??
    cognitoIssuer(requireEnv(env, ENV.region), requireEnv(env, ENV.userPoolId));
  return settingsFromConfig(configFor(stage), {
    issuer,
    jwksUri: loopbackOverride(env, ENV.jwksUriOverride),
    clientId: requireEnv(env, ENV.userPoolClientId),
  });
}
