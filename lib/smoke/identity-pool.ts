/**
 * The smoke run's identity-pool column: a temporary user's ID token → `GetId` +
 * `GetCredentialsForIdentity` → `sts:GetCallerIdentity`, which must name the role the deployed
 * pool's rules give: the token's `cognito:preferred_role` (Cognito's, the group's role) for a user
 * in a group, the pool's authenticated role (`AuthenticatedRoleArn`) for a user in none.
 */
import { identityPoolCaller, type IdentityPoolTarget } from '../cognito/identity-pool-caller';
import { roleNameOf } from '../config/identity-pool';
import { decodeClaims } from '../contracts/jwt-claims';
import type { Cell } from './matrix';

export const ROLE_COLUMN = 'AWS role';

export interface RoleCheck {
  readonly identityPool: IdentityPoolTarget;
  /** The role of users in no group; without it that user's cell cannot match. */
  readonly authenticatedRoleArn?: string;
}

export async function roleCell(
  check: RoleCheck,
  groups: readonly string[],
  idToken: string | undefined,
): Promise<Cell> {
  if (!idToken) return { expected: 'role', outcome: 'no ID token', matched: false };
  const preferred = decodeClaims(idToken)?.['cognito:preferred_role'];
  const expected =
    groups.length > 0 ? (typeof preferred === 'string' ? preferred : undefined) : check.authenticatedRoleArn;
  try {
    const { roleArn } = await identityPoolCaller(check.identityPool, idToken);
    return { expected: 'role', outcome: roleNameOf(roleArn), matched: roleArn === expected };
  } catch (error) {
    return { expected: 'role', outcome: error instanceof Error ? error.name : 'refused', matched: false };
  }
}
