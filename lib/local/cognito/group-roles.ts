/**
 * The role claims Cognito puts in an ID token when the user's groups have roles: `cognito:roles`
 * (every group's role) and `cognito:preferred_role` (the role of the group with the lowest precedence
 * number; none when the best precedence is shared by groups with different roles). Groups without a
 * precedence rank last.
 */
import type { Context } from 'cognito-local/lib/services/context';
import type { Group, UserPoolService } from 'cognito-local/lib/services/userPoolService';

export interface RoleClaims {
  readonly 'cognito:roles'?: readonly string[];
  readonly 'cognito:preferred_role'?: string;
}

type RankedRole = Pick<Group, 'RoleArn' | 'Precedence'>;

export function roleClaims(groups: readonly RankedRole[]): RoleClaims {
  const withRoles = groups.filter((group): group is RankedRole & { RoleArn: string } => !!group.RoleArn);
  if (withRoles.length === 0) return {};
  const rank = (group: RankedRole): number => group.Precedence ?? Number.POSITIVE_INFINITY;
  const best = Math.min(...withRoles.map(rank));
  const preferred = new Set(withRoles.filter((group) => rank(group) === best).map((group) => group.RoleArn));
  return {
    'cognito:roles': [...new Set(withRoles.map((group) => group.RoleArn))],
    ...(preferred.size === 1 ? { 'cognito:preferred_role': [...preferred][0] } : {}),
  };
}

/** The role claims of a user in the named groups of `pool`. */
export async function roleClaimsOf(ctx: Context, pool: UserPoolService, groupNames: readonly string[]) {
  const groups = await Promise.all(groupNames.map((name) => pool.getGroupByGroupName(ctx, name)));
  return roleClaims(groups.filter((group): group is Group => group !== null));
}
