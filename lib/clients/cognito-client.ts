/**
 * The Cognito Identity Provider client every backend and the local provisioning use: short
 * time-outs (a hung call must not hold a Lambda or a test), and in the local system the
 * emulator's endpoint (lib/clients/sdk-client-config.ts).
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { ENV, type RuntimeEnv } from '../contracts/runtime-env';
import { sdkClientConfig } from './sdk-client-config';

export function createCognitoClient(env: RuntimeEnv, region?: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient(
    sdkClientConfig(env, ENV.cognitoEndpoint, { connectionTimeout: 2000, requestTimeout: 5000 }, region),
  );
}
