/**
 * Users made with Cognito's admin API, the same way wherever we make them: the local system's seed
 * users and the smoke run's temporary users. Email sign-in: the username is the email, verified, no
 * invitation sent; the password is set permanent so the user can sign in at once.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';

export interface UserToCreate {
  /** The email, which is also the username. */
  readonly email: string;
  readonly password: string;
  readonly groups: readonly string[];
  /** Further attributes, e.g. `custom:role`. */
  readonly attributes?: Readonly<Record<string, string>>;
}

export async function createUser(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  user: UserToCreate,
): Promise<void> {
  const attributes = { email: user.email, email_verified: 'true', ...user.attributes };
  await client.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: user.email,
      MessageAction: 'SUPPRESS',
      UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
    }),
  );
  await setPasswordAndGroups(client, userPoolId, user);
}

/** Sets the password (permanent) and adds the user to each group; adding to a group twice is harmless. */
export async function setPasswordAndGroups(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  user: UserToCreate,
): Promise<void> {
  await client.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: userPoolId,
      Username: user.email,
      Password: user.password,
      Permanent: true,
    }),
  );
  for (const group of user.groups) {
    await client.send(
      new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: user.email, GroupName: group }),
    );
  }
}
