/**
 * Users the local system creates in the Cognito emulator. These credentials exist only in
 * the local emulator (which stores passwords in plain text); they never reach AWS.
 */
import type { GroupName } from '../contracts/groups';

export interface SeedUser {
  readonly email: string;
  readonly password: string;
  readonly groups: readonly GroupName[];
  /** Value of the `custom:role` attribute. */
  readonly role: string;
}

export const seedUsers: readonly SeedUser[] = [
  { email: 'admin@example.com', password: 'Admin-Passw0rd!', groups: ['admin-group'], role: 'admin' },
  { email: 'reviewer@example.com', password: 'Review-Passw0rd!', groups: ['reviewers-group'], role: 'reviewer' },
  { email: 'user@example.com', password: 'User-Passw0rd!', groups: ['user-group'], role: 'user' },
  {
    email: 'multi@example.com',
    password: 'Multi-Passw0rd!',
    groups: ['reviewers-group', 'user-group'],
    role: 'reviewer',
  },
  { email: 'nogroup@example.com', password: 'NoGroup-Passw0rd!', groups: [], role: 'none' },
];
