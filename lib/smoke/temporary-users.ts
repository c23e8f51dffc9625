/**
 * The smoke run's users: one per group plus one in none, each with a random strong password,
 * created with the admin API and always deleted again. Every planned user is deleted whether or
 * not its creation was seen to finish, so an interrupted run leaves nobody behind.
 */
import { randomBytes } from 'node:crypto';
import {
  AdminDeleteUserCommand,
  UserNotFoundException,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { createUser as createCognitoUser } from '../cognito/users';

export interface TemporaryUser {
  /** The row label: the group's name, or `(no group)`. */
  readonly label: string;
  readonly username: string;
  readonly password: string;
  readonly groups: readonly string[];
}

/** Every temporary user's name starts with this (and the run's id), so a leftover is easy to spot. */
export const TEMPORARY_USER_PREFIX = 'smoke-';

export function planUsers(groups: readonly string[], runId: string): TemporaryUser[] {
  const user = (label: string, index: number, userGroups: readonly string[]): TemporaryUser => ({
    label,
    // Pools that sign in with email want an email as the username; example.com receives no mail.
    username: `${TEMPORARY_USER_PREFIX}${runId}-${index}@example.com`,
    password: strongPassword(),
    groups: userGroups,
  });
  return [...groups.map((group, index) => user(group, index, [group])), user('(no group)', groups.length, [])];
}

/** 24 random bytes in base64url, plus one of each class a Cognito password policy may require. */
function strongPassword(): string {
  return `${randomBytes(24).toString('base64url')}Aa1!`;
}

/** Creates the user: its username is its email. */
export function createUser(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  user: TemporaryUser,
): Promise<void> {
  return createCognitoUser(client, userPoolId, { email: user.username, password: user.password, groups: user.groups });
}

/** Deletes every user (an absent one counts as deleted); returns the ones that could not be, with why. */
export async function deleteUsers(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  users: readonly TemporaryUser[],
): Promise<string[]> {
  const failures: string[] = [];
  for (const user of users) {
    try {
      await client.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: user.username }));
    } catch (error) {
      if (!(error instanceof UserNotFoundException))
        failures.push(`${user.username} (${error instanceof Error ? error.name : 'unknown error'})`);
    }
  }
  return failures;
}
