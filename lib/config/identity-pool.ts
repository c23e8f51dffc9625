/**
 * The identity pool's one definition, shared by the deployed pool (lib/constructs/identity-pool.ts)
 * and the local one (lib/local/cognito/identity.ts): its name, how a token picks its role, and the
 * role ARNs the local system gives the groups in place of the deployed roles' (which CloudFormation names).
 */
import { resourceName, type AppConfig } from './app-config';
import { type GroupName } from '../contracts/groups';

/**
 * Roles come from the ID token: `cognito:preferred_role`; several `cognito:roles` and none preferred
 * → the request is denied; no role claim → the pool's authenticated role.
 */
export const TOKEN_ROLE_MAPPING = { type: 'Token', ambiguousRoleResolution: 'Deny' } as const;

/** The account of every local ARN (the local gateway's method ARNs use it too). */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** The role session name of the credentials Cognito Identity hands out. */
export const COGNITO_CREDENTIALS_SESSION = 'CognitoIdentityCredentials';

export function identityPoolName(config: AppConfig): string {
  return resourceName(config, 'identities');
}

/** A local role: the pool's authenticated role (users in no group), its guest role, or a group's. */
export type IdentityRole = 'authenticated' | 'unauthenticated' | GroupName;

/** `arn:aws:iam::000000000000:role/<app>-<stage>-<group>-role` (or `…-authenticated-role`). */
export function localRoleArn(config: AppConfig, role: IdentityRole): string {
  return `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${resourceName(config, `${role}-role`)}`;
}

/**
 * The key of a user pool's ID token in the `Logins` map: its issuer without the scheme, as Cognito's
 * `cognito-idp.<region>.amazonaws.com/<poolId>` (locally `127.0.0.1:<port>/<poolId>`).
 */
export function loginsKeyFor(issuer: string): string {
  return issuer.replace(/^https?:\/\//, '');
}

/** The role name in a role ARN (`arn:aws:iam::<account>:role/<path/>name`). */
export function roleNameOf(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1);
}
