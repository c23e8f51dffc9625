/** GET /api/admin/users (ListUsers) and DELETE /api/admin/users/{id} (AdminDeleteUser). */
import {
  AdminDeleteUserCommand,
  ListUsersCommand,
  type CognitoIdentityProviderClient,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { createBackend, type BackendDefinition } from '../shared/backend';
import { readBackendEnv } from '../shared/backend-env';
import { createCognitoClient } from '../shared/cognito-client';
import { cognitoErrorResult } from '../shared/cognito-errors';
import { badRequest, json, type ProxyResult } from '../shared/http';
import type { Logger } from '../shared/logger';

interface AdminUsersDeps {
  readonly userPoolId: string;
  readonly cognito: CognitoIdentityProviderClient;
}

/** Enough for an admin screen; the API pages no further (ListUsers pages by 60). */
const MAX_USERS = 600;
/** Cognito usernames: 1..128 printable characters, no whitespace control. */
const USERNAME_PATTERN = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

export const adminUsersBackend: BackendDefinition<AdminUsersDeps> = {
  service: 'admin-users',
  init: (env) => ({ userPoolId: readBackendEnv(env).userPoolId, cognito: createCognitoClient(env) }),
  handle: (event, deps, { logger }) =>
    event.httpMethod === 'DELETE' ? deleteUser(deps, logger, event.pathParameters?.id) : listUsers(deps, logger),
};

async function listUsers({ cognito, userPoolId }: AdminUsersDeps, logger: Logger): Promise<ProxyResult> {
  const users: ReturnType<typeof summary>[] = [];
  let paginationToken: string | undefined;
  try {
    do {
      const page = await cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, Limit: 60, PaginationToken: paginationToken }));
      users.push(...(page.Users ?? []).map(summary));
      paginationToken = page.PaginationToken;
    } while (paginationToken && users.length < MAX_USERS);
  } catch (error) {
    return cognitoErrorResult(error, logger, 'ListUsers');
  }
  return json(200, { users });
}

async function deleteUser({ cognito, userPoolId }: AdminUsersDeps, logger: Logger, id: string | undefined): Promise<ProxyResult> {
  if (!id || !USERNAME_PATTERN.test(id)) return badRequest('id must be a username of 1 to 128 characters');
  try {
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: id }));
  } catch (error) {
    return cognitoErrorResult(error, logger, 'AdminDeleteUser');
  }
  return json(200, { deleted: id });
}

function summary(user: UserType) {
  const attribute = (name: string) => user.Attributes?.find((entry) => entry.Name === name)?.Value;
  return {
    username: user.Username,
    email: attribute('email'),
    role: attribute('custom:role'),
    status: user.UserStatus,
    enabled: user.Enabled,
  };
}

export const handler = createBackend(adminUsersBackend);
