/**
 * The user pool's groups, by name: the access map grants routes to them, the user pool creates
 * them (with precedences from lib/config/app-config.ts) and the admin API protects the last admin.
 */
export const GROUP_NAMES = ['admin-group', 'reviewers-group', 'user-group'] as const;
export type GroupName = (typeof GROUP_NAMES)[number];
/** The group whose members manage users: the admin API never deletes its last member. */
export const ADMIN_GROUP: GroupName = 'admin-group';
