/**
 * GET /api/admin/users (ListUsers), DELETE /api/admin/users/{id} (AdminGetUser, AdminDeleteUser),
 * and POST /api/admin/clients/{id}/revoke: every token a machine client was issued until now is
 * recorded as revoked (a cut-off by `sub`, which in a client-credentials token is the client id).
 * The client keeps working with new tokens (after its secret is rotated).
 *
 * `{id}` names the user as Cognito's admin API does: the username, or the email (the pool signs in by
 * email). The caller comes from the authorizer's context, never from the request: an admin cannot
 * delete their own account (the target is looked up and compared by `sub`, whatever name `{id}` used).
 * Before the user is deleted, every token they hold is recorded as revoked (by `sub`, in the
 * revocation store): the authorizer rejects them within the bound instead of until they expire.
 * Deleting a member of admin-group holds the admin-deletion lock (lambda/admin/admin-deletion-lock.ts)
 * and never removes the group's last enabled member: a second such deletion at the same time, and
 * deleting the last admin, are 409s. Every call writes one audit line: who, what, whom, how it ended.
 */
import {
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
  type AdminGetUserCommandOutput,
  type CognitoIdentityProviderClient,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ADMIN_GROUP } from '../../lib/contracts/groups';
import { ENV, requireEnv } from '../../lib/contracts/runtime-env';
import { createAdminDeletionLock, type AdminDeletionLock } from '../admin/admin-deletion-lock';
import { audit, type Audited } from '../shared/audit';
import { createBackend, type BackendDefinition } from '../shared/backend';
import { readBackendEnv } from '../shared/backend-env';
import { createCognitoClient } from '../../lib/clients/cognito-client';
import { cognitoErrorResult } from '../shared/cognito-errors';
import { createDocumentClient } from '../../lib/clients/dynamodb-client';
import { badRequest, json } from '../shared/http';
import type { Logger } from '../shared/logger';
import { revocationStoreFromEnv, type RevocationStore } from '../revocation/store';
import { StoreError, storeErrorResult } from '../shared/store-error';

interface AdminUsersDeps {
  readonly userPoolId: string;
  readonly cognito: CognitoIdentityProviderClient;
  readonly revocations: RevocationStore;
  readonly adminDeletions: AdminDeletionLock;
}

/** Who is calling, as the authorizer verified them. */
interface Caller {
  readonly sub: string;
  readonly username: string;
}

/** Enough for an admin screen; the API pages no further (ListUsers pages by 60). */
const MAX_USERS = 600;
/** Cognito usernames: 1..128 printable characters, no whitespace control. */
const USERNAME_PATTERN = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

export const adminUsersBackend: BackendDefinition<AdminUsersDeps> = {
  service: 'admin-users',
  init: (env) => ({
    userPoolId: readBackendEnv(env).userPoolId,
    cognito: createCognitoClient(env),
    revocations: revocationStoreFromEnv(env),
    adminDeletions: createAdminDeletionLock({
      client: createDocumentClient(env),
      tableName: requireEnv(env, ENV.revocationsTable),
    }),
  }),
  async handle(event, deps, { logger }) {
    if (event.httpMethod === 'POST') return revokeClient(event, deps, logger);
    const deleting = event.httpMethod === 'DELETE';
    const action = deleting ? 'admin.delete_user' : 'admin.list_users';
    const target = deleting ? (event.pathParameters?.id ?? '') : '*';
    const caller = callerOf(event);
    if (!caller) {
      // Behind the authorizer this cannot happen; without a caller, nothing is done on anyone's behalf.
      return audit(logger, action, {
        result: json(403, { message: 'No caller identity from the authorizer' }),
        target,
        reason: 'CALLER_UNKNOWN',
      });
    }
    const audited = deleting ? await deleteUser(deps, logger, caller, target) : await listUsers(deps, logger);
    return audit(logger, action, { actor: caller.sub, target, ...audited });
  },
};

/** Cognito app client ids: lowercase letters and digits (never a user's `sub`, which has dashes). */
const CLIENT_ID_PATTERN = /^[0-9a-z]{1,128}$/;

async function revokeClient(event: APIGatewayProxyEvent, { revocations }: AdminUsersDeps, logger: Logger) {
  const action = 'admin.revoke_client';
  const target = event.pathParameters?.id ?? '';
  const caller = callerOf(event);
  if (!caller) {
    const result = json(403, { message: 'No caller identity from the authorizer' });
    return audit(logger, action, { result, target, reason: 'CALLER_UNKNOWN' });
  }
  if (!CLIENT_ID_PATTERN.test(target))
    return audit(logger, action, { actor: caller.sub, target, result: badRequest('id must be an app client id') });
  // Tokens issued in this very second are revoked too (iat has whole seconds): the caller asked for now.
  const revokedBefore = Math.floor(Date.now() / 1000) + 1;
  try {
    await revocations.revokeUser(target, revokedBefore);
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    logger.log('ERROR', 'revocation store failed', { operation: error.operation, error: error.errorName });
    const failed = storeErrorResult(error, 'Revocation store unavailable: nothing was revoked, retry');
    return audit(logger, action, { actor: caller.sub, target, ...failed });
  }
  const result = json(200, { revoked: target, issuedBefore: new Date(revokedBefore * 1000).toISOString() });
  return audit(logger, action, { actor: caller.sub, target, result });
}

function callerOf(event: APIGatewayProxyEvent): Caller | undefined {
  const context: Record<string, unknown> = event.requestContext.authorizer ?? {};
  const sub = context.sub ?? context.principalId;
  return typeof sub === 'string' && sub !== ''
    ? { sub, username: typeof context.username === 'string' ? context.username : '' }
    : undefined;
}

async function listUsers({ cognito, userPoolId }: AdminUsersDeps, logger: Logger): Promise<Audited> {
  const users: ReturnType<typeof summary>[] = [];
  let paginationToken: string | undefined;
  try {
    do {
      const page = await cognito.send(
        new ListUsersCommand({ UserPoolId: userPoolId, Limit: 60, PaginationToken: paginationToken }),
      );
      users.push(...(page.Users ?? []).map(summary));
      paginationToken = page.PaginationToken;
    } while (paginationToken && users.length < MAX_USERS);
  } catch (error) {
    return { result: cognitoErrorResult(error, logger, 'ListUsers') };
  }
  return { result: json(200, { users }) };
}

async function deleteUser(deps: AdminUsersDeps, logger: Logger, caller: Caller, id: string): Promise<Audited> {
  const { cognito, userPoolId } = deps;
  if (!USERNAME_PATTERN.test(id)) return { result: badRequest('id must be a username of 1 to 128 characters') };
  let user: AdminGetUserCommandOutput;
  try {
    user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: id }));
  } catch (error) {
    return { result: cognitoErrorResult(error, logger, 'AdminGetUser') };
  }
  const sub = user.UserAttributes?.find((attribute) => attribute.Name === 'sub')?.Value;
  if (sub === caller.sub || (caller.username !== '' && user.Username === caller.username)) {
    return {
      result: badRequest('An admin cannot delete their own account through the API: ask another admin'),
      reason: 'SELF_DELETE',
    };
  }
  if (!sub || !user.Username)
    return { result: json(502, { message: 'Identity service returned a user without a sub' }) };
  const target = { sub, username: user.Username, id };
  try {
    const admins = await adminUsernames(deps);
    if (!admins.has(target.username)) return await revokeAndDelete(deps, logger, target);
    const done = await deps.adminDeletions.whileHeld(async () => {
      // Counted again under the lock: only now can no other admin deletion change the group.
      const others = await adminUsernames(deps);
      others.delete(target.username);
      return others.size > 0
        ? revokeAndDelete(deps, logger, target)
        : conflict(`Deleting ${id} would leave ${ADMIN_GROUP} without a member: add another admin first`, 'LAST_ADMIN');
    });
    return (
      done ??
      conflict(
        `Another admin is being deleted right now: ${id} was not deleted, retry in a moment`,
        'ADMIN_DELETION_BUSY',
      )
    );
  } catch (error) {
    if (error instanceof StoreError) {
      logger.log('ERROR', 'revocation store failed', { operation: error.operation, error: error.errorName });
      return storeErrorResult(error, 'Revocation store unavailable: the user was not deleted, retry');
    }
    return { result: cognitoErrorResult(error, logger, 'ListUsersInGroup') };
  }
}

const conflict = (message: string, reason: string): Audited => ({ result: json(409, { message }), reason });

/** The usernames of admin-group's enabled members (a disabled admin cannot sign in to administer anything). */
async function adminUsernames({ cognito, userPoolId }: AdminUsersDeps): Promise<Set<string>> {
  const usernames = new Set<string>();
  let nextToken: string | undefined;
  do {
    const page = await cognito.send(
      new ListUsersInGroupCommand({ UserPoolId: userPoolId, GroupName: ADMIN_GROUP, Limit: 60, NextToken: nextToken }),
    );
    for (const member of page.Users ?? [])
      if (member.Username && member.Enabled !== false) usernames.add(member.Username);
    nextToken = page.NextToken;
  } while (nextToken);
  return usernames;
}

/** Records every token of the user as revoked, then deletes the user: if the store fails, nothing is deleted. */
async function revokeAndDelete(
  { cognito, userPoolId, revocations }: AdminUsersDeps,
  logger: Logger,
  target: { readonly sub: string; readonly username: string; readonly id: string },
): Promise<Audited> {
  await revocations.revokeUser(target.sub);
  try {
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: target.username }));
  } catch (error) {
    return { result: cognitoErrorResult(error, logger, 'AdminDeleteUser') };
  }
  return { result: json(200, { deleted: target.id }) };
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
