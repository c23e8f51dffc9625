/**
 * What every AWS SDK client of the project shares: the region, two attempts, short time-outs that
 * really end the request (without `throwOnRequestTimeout` the SDK only logs a warning and keeps
 * waiting), and in the local system an emulator's endpoint — accepted only on loopback, with dummy
 * credentials the emulator ignores.
 */
import { ENV, loopbackOverride, type RuntimeEnv } from '../contracts/runtime-env';

export interface ClientTimeouts {
  readonly connectionTimeout: number;
  readonly requestTimeout: number;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The client configuration; `endpointVariable` names the loopback override (e.g. COGNITO_ENDPOINT). */
export function sdkClientConfig(
  env: RuntimeEnv,
  endpointVariable: string,
  timeouts: ClientTimeouts,
  region = env[ENV.region] ?? 'us-east-1',
) {
  const endpoint = loopbackOverride(env, endpointVariable);
  return {
    region,
    maxAttempts: 2,
    requestHandler: { ...timeouts, throwOnRequestTimeout: true },
    ...(endpoint ? { endpoint, credentials: LOCAL_CREDENTIALS } : {}),
  };
}
