/** What the backends read from their environment (lib/config/function-environment.ts sets it), once per cold start. */
import { ENV, requireEnv, type RuntimeEnv } from '../../lib/contracts/runtime-env';

export interface BackendEnv {
  readonly userPoolId: string;
  readonly userPoolClientId: string;
}

/** The auth handler's: the pool, plus the Hosted UI code exchange's endpoint, redirect URIs and cookie lifetime. */
export interface AuthEnv extends BackendEnv {
  readonly tokenEndpoint?: string;
  readonly callbackUrls: ReadonlySet<string>;
  readonly refreshTokenDays: number;
}

export function readBackendEnv(env: RuntimeEnv): BackendEnv {
  return {
    userPoolId: requireEnv(env, ENV.userPoolId),
    userPoolClientId: requireEnv(env, ENV.userPoolClientId),
  };
}

export function readAuthEnv(env: RuntimeEnv): AuthEnv {
  const refreshTokenDays = Number(requireEnv(env, ENV.refreshTokenDays));
  if (!Number.isFinite(refreshTokenDays) || refreshTokenDays <= 0)
    throw new Error(`Environment variable ${ENV.refreshTokenDays} must be a positive number of days`);
  return {
    ...readBackendEnv(env),
    tokenEndpoint: env[ENV.tokenEndpoint] || undefined,
    callbackUrls: new Set(requireEnv(env, ENV.callbackUrls).split(',').filter(Boolean)),
    refreshTokenDays,
  };
}
