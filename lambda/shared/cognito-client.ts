/**
 * The Cognito Identity Provider client every backend and the local provisioning use:
 * short time-outs (a hung call must not hold a Lambda or a test), and in the local system
 * the emulator's endpoint — accepted only on loopback, with dummy credentials it ignores.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { ENV, loopbackOverride, type RuntimeEnv } from '../../lib/config/runtime-env';

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function createCognitoClient(env: RuntimeEnv, region = env[ENV.region] ?? 'us-east-1'): CognitoIdentityProviderClient {
  const endpoint = loopbackOverride(env, ENV.cognitoEndpoint);
  return new CognitoIdentityProviderClient({
    region,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 2000, requestTimeout: 5000, throwOnRequestTimeout: true }, // else a passed requestTimeout only logs a warning
    ...(endpoint ? { endpoint, credentials: LOCAL_CREDENTIALS } : {}),
  });
}
