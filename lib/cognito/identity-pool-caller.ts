/**
 * Who a user is on AWS through the identity pool: their ID token → `GetId` +
 * `GetCredentialsForIdentity` (the SDK's `fromCognitoIdentityPool`) → `sts:GetCallerIdentity` with
 * those credentials. Used by the CLI (`credentials`) and the smoke run, deployed and local alike.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { loginsKeyFor } from '../config/identity-pool';

export interface IdentityPoolTarget {
  /** `<region>:<uuid>` */
  readonly identityPoolId: string;
  /** The user pool's issuer (`UserPoolProviderUrl`). */
  readonly issuer: string;
  /** Local only (`CognitoIdentityEndpoint`); deployed, the region's Cognito Identity. */
  readonly cognitoIdentityEndpoint?: string;
  /** Local only (`StsEndpoint`); deployed, the region's STS. */
  readonly stsEndpoint?: string;
}

export interface IdentityPoolCaller {
  readonly identityId: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
  /** As STS names the caller: `arn:aws:sts::<account>:assumed-role/<role name>/<session>`. */
  readonly callerArn: string;
  /** The role of `callerArn`: `arn:aws:iam::<account>:role/<role name>`. */
  readonly roleArn: string;
}

const ASSUMED_ROLE = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/;

export class IdentityPoolCallerError extends Error {
  readonly name = 'IdentityPoolCallerError';
}

export async function identityPoolCaller(target: IdentityPoolTarget, idToken: string): Promise<IdentityPoolCaller> {
  const region = target.identityPoolId.split(':')[0];
  const credentials = await fromCognitoIdentityPool({
    identityPoolId: target.identityPoolId,
    logins: { [loginsKeyFor(target.issuer)]: idToken },
    clientConfig: { region, endpoint: target.cognitoIdentityEndpoint, maxAttempts: 1 },
  })();
  const sts = new STSClient({ region, endpoint: target.stsEndpoint, credentials, maxAttempts: 1 });
  let callerArn: string | undefined;
  try {
    callerArn = (await sts.send(new GetCallerIdentityCommand({}))).Arn;
  } finally {
    sts.destroy();
  }
  const assumed = ASSUMED_ROLE.exec(callerArn ?? '');
  if (!assumed)
    throw new IdentityPoolCallerError(`STS named the caller ${callerArn ?? '(nobody)'}, not an assumed role`);
  const [, partition, account, roleName] = assumed;
  return {
    identityId: credentials.identityId,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    expiration: credentials.expiration,
    callerArn: callerArn!,
    roleArn: `arn:${partition}:iam::${account}:role/${roleName}`,
  };
}
