/** What every backend reads from its environment, once per cold start. */
import { configFor, isStage, type AppConfig } from '../../lib/config/app-config';
import { ENV, requireEnv, type RuntimeEnv } from '../../lib/config/runtime-env';

export interface BackendEnv {
  readonly config: AppConfig;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
}

export function readBackendEnv(env: RuntimeEnv): BackendEnv {
  const stage = env[ENV.stage] ?? 'dev';
  if (!isStage(stage)) throw new Error(`${ENV.stage} must be dev or prod`);
  return {
    config: configFor(stage),
    userPoolId: requireEnv(env, ENV.userPoolId),
    userPoolClientId: requireEnv(env, ENV.userPoolClientId),
  };
}
