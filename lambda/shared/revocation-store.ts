/**
 * The writers' side of the revocation store (lib/config/revocation.ts is the item contract):
 * POST /auth/logout records a session or a sign-out, DELETE /api/admin/users/{id} records that a
 * user's tokens are all revoked, and a refresh asks whether its user signed out since. Each item
 * expires once no token it covers can still be valid. The authorizer reads the same items through
 * the feed index (lambda/authorizer/revocations.ts).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  REVOCATION_ATTRIBUTES,
  fromRevocationItem,
  revocationId,
  toRevocationItem,
  type Revocation,
} from '../../lib/config/revocation';
import { ENV, requireEnv, type RuntimeEnv } from '../../lib/config/runtime-env';
import { createDocumentClient } from './dynamodb-client';
import { callStore } from './store-error';

export interface RevocationStore {
  /** Revokes every token of one session (idempotent). */
  revokeSession(sub: string, sessionId: string): Promise<void>;
  /**
   * Revokes every token of the user issued (`iat`) before `before`, epoch seconds; without it,
   * every token of the user (a deleted user). Never moves a recorded cut-off back.
   */
  revokeUser(sub: string, before?: number): Promise<void>;
  /** The user's recorded cut-off, epoch seconds, if one is still live. */
  userRevokedBefore(sub: string): Promise<number | undefined>;
}

export interface RevocationStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** How long an item is kept (lib/config/revocation.ts › revocationRetentionSeconds). */
  readonly retentionSeconds: number;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

export function createRevocationStore(options: RevocationStoreOptions): RevocationStore {
  const { client, tableName, retentionSeconds } = options;
  const now = options.now ?? Date.now;
  const stamps = () => {
    const revokedAt = now();
    return { revokedAt, expiresAt: Math.ceil(revokedAt / 1000) + retentionSeconds };
  };
  const put = (revocation: Revocation, condition?: { expression: string; values: Record<string, number> }) =>
    callStore('PutItem', () =>
      client.send(
        new PutCommand({
          TableName: tableName,
          Item: toRevocationItem(revocation),
          ConditionExpression: condition?.expression,
          ExpressionAttributeNames: condition && {
            '#id': REVOCATION_ATTRIBUTES.id,
            '#expiresAt': REVOCATION_ATTRIBUTES.expiresAt,
          },
          ExpressionAttributeValues: condition?.values,
        }),
      ),
    );

  return {
    async revokeSession(sub, sessionId) {
      await put({ kind: 'session', sub, sessionId, ...stamps() });
    },

    async revokeUser(sub, before) {
      const { revokedAt, expiresAt } = stamps();
      // Without a cut-off: every token issued before the item expires, i.e. every token the user still has.
      const revokedBefore = before ?? expiresAt;
      const condition = {
        // Written unless a live item already revokes at least as much.
        expression: 'attribute_not_exists(#id) OR revokedBefore < :before OR #expiresAt < :now',
        values: { ':before': revokedBefore, ':now': Math.floor(revokedAt / 1000) },
      };
      try {
        await put({ kind: 'user', sub, revokedBefore, revokedAt, expiresAt }, condition);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },

    async userRevokedBefore(sub) {
      const answer = await callStore('GetItem', () =>
        client.send(
          new GetCommand({
            TableName: tableName,
            Key: { [REVOCATION_ATTRIBUTES.id]: revocationId({ kind: 'user', sub }) },
            ConsistentRead: true,
          }),
        ),
      );
      const revocation = answer.Item && fromRevocationItem(answer.Item);
      // DynamoDB deletes expired items days late (the local one never): expiry is checked here.
      if (revocation?.kind !== 'user' || revocation.expiresAt < Math.floor(now() / 1000)) return undefined;
      return revocation.revokedBefore;
    },
  };
}

/** The store as the functions' environment names it (REVOCATIONS_TABLE_NAME, REVOCATION_RETENTION_SECONDS). */
export function revocationStoreFromEnv(env: RuntimeEnv): RevocationStore {
  const retentionSeconds = Number(requireEnv(env, ENV.revocationRetentionSeconds));
  if (!Number.isSafeInteger(retentionSeconds) || retentionSeconds <= 0) {
    throw new Error(
      `Environment variable ${ENV.revocationRetentionSeconds} must be a positive whole number of seconds`,
    );
  }
  return createRevocationStore({
    client: createDocumentClient(env),
    tableName: requireEnv(env, ENV.revocationsTable),
    retentionSeconds,
  });
}
