/**
 * What the smoke run talks to, from an outputs file (`cdk deploy --outputs-file`, or the local
 * system's `.local/outputs.json`): the API, and the user pool with the way to reach it. A deployed
 * pool is reached with the caller's AWS credentials (the SDK's default chain); the local emulator at
 * the origin of its issuer, `http://127.0.0.1:<port>/<poolId>`.
 */
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { ENV, isLoopbackUrl } from '../contracts/runtime-env';
import { identityPoolOf, readOutputs } from '../cli/outputs';
import { createCognitoClient } from '../clients/cognito-client';
import { SmokeError } from './errors';
import type { RoleCheck } from './identity-pool';

export interface SmokeTarget {
  readonly apiUrl: string;
  readonly userPoolId: string;
  /** The pool's token endpoint and machine client (absent when the stage has none). */
  readonly tokenEndpoint?: string;
  readonly machineClientId?: string;
  /** The identity pool and its authenticated role (absent when the outputs name no identity pool). */
  readonly roleCheck?: RoleCheck;
  /** True for the local emulator (no AWS credentials involved). */
  readonly local: boolean;
  /** A client for the pool's admin API; destroy it when done. */
  cognito(): CognitoIdentityProviderClient;
}

const COGNITO_ISSUER = /^https:\/\/cognito-idp\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([\w-]+_[0-9A-Za-z]+)$/;
/** The emulator ignores the region; pool ids carry one anyway (`us-east-1_…`), else this. */
const LOCAL_REGION = 'us-east-1';

export function targetFromOutputs(file: string): SmokeTarget {
  const outputs = readOutputs(file);
  const issuer = outputs.UserPoolProviderUrl;
  if (!issuer || !outputs.UserPoolId) {
    throw new SmokeError(
      `${file} has no UserPoolId or UserPoolProviderUrl output: pass the outputs of both stacks (cdk deploy --all --outputs-file ${file})`,
    );
  }
  const deployed = COGNITO_ISSUER.exec(issuer);
  const local = !deployed && isLoopbackUrl(issuer);
  if (!deployed && !local) {
    throw new SmokeError(
      `${file}: UserPoolProviderUrl "${issuer}" is neither a Cognito issuer (https://cognito-idp.<region>.amazonaws.com/<poolId>) nor the local emulator's`,
    );
  }
  const userPoolId = outputs.UserPoolId;
  if (!issuer.endsWith(`/${userPoolId}`))
    throw new SmokeError(`${file}: UserPoolId ${userPoolId} is not the pool of UserPoolProviderUrl ${issuer}`);
  const region = deployed ? deployed[1] : (/^([a-z]{2}-[a-z]+-\d)_/.exec(userPoolId)?.[1] ?? LOCAL_REGION);
  const environment = local ? { [ENV.cognitoEndpoint]: new URL(issuer).origin } : {};
  return {
    apiUrl: outputs.ApiUrl,
    userPoolId,
    tokenEndpoint: outputs.TokenEndpoint,
    machineClientId: outputs.MachineClientId,
    roleCheck: outputs.IdentityPoolId
      ? { identityPool: identityPoolOf(outputs, file), authenticatedRoleArn: outputs.AuthenticatedRoleArn }
      : undefined,
    local,
    cognito: () => createCognitoClient(environment, region),
  };
}
