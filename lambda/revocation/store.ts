/**
 * The writers' side of the revocation store (lib/contracts/revocation-items.ts is the item contract):
 * POST /auth/logout records a session or a sign-out, DELETE /api/admin/users/{id} records that a
 * user's tokens are all revoked, a refresh asks whether its user signed out since, and logout
 * whether its own token is revoked. Each item expires once nothing it covers can still be used: a
 * session with the access tokens, a user's cut-off with the refresh tokens (lib/contracts/revocation-items.ts
 * › RevocationRetention). The authorizer reads the same items through the feed index
 * (lambda/revocation/check.ts).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  REVOCATION_ATTRIBUTES,
  fromRevocationItem,
  revocationExpiresAt,
  revocationId,
  toRevocationItem,
  type Revocation,
  type RevocationRetention,
} from '../../lib/contracts/revocation-items';
import { ENV, requireEnv, type RuntimeEnv } from '../../lib/contracts/runtime-env';
import { createDocumentClient } from '../../lib/clients/dynamodb-client';
import { callStore } from '../shared/store-error';

export interface RevocationStore {
  /** Revokes every token of one session (idempotent). */
  revokeSession(sub: string, sessionId: string): Promise<void>;
  /**
   * Revokes every token of the user issued (`iat`) before `before`, epoch seconds; without it,
   * every token of the user (a deleted user: every token issued up to one token window from now).
   * Never moves a recorded cut-off back.
   */
  revokeUser(sub: string, before?: number): Promise<void>;
  /** The user's recorded cut-off, epoch seconds, if one is still live. */
  userRevokedBefore(sub: string): Promise<number | undefined>;
  /** Whether a verified token is revoked, read consistently (its session's item, its user's cut-off). */
  isRevoked(token: RevocableToken): Promise<boolean>;
}

/** What names a token in the store. */
export interface RevocableToken {
  readonly sub: string;
  /** `iat`, epoch seconds. */
  readonly issuedAt: number;
  readonly sessionId: string | undefined;
}

export interface RevocationStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** How long each kind of item is kept (lib/config/revocation-retention.ts › revocationRetention). */
  readonly retention: RevocationRetention;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

export function createRevocationStore(options: RevocationStoreOptions): RevocationStore {
  const { client, tableName, retention } = options;
  const now = options.now ?? Date.now;
  const stamps = (kind: Revocation['kind']) => {
    const revokedAt = now();
    return { revokedAt, expiresAt: revocationExpiresAt(kind, revokedAt, retention) };
  };
  const read = async (id: string): Promise<Revocation | undefined> => {
    const answer = await callStore('GetItem', () =>
      client.send(
        new GetCommand({ TableName: tableName, Key: { [REVOCATION_ATTRIBUTES.id]: id }, ConsistentRead: true }),
      ),
    );
    const revocation = answer.Item && fromRevocationItem(answer.Item);
    // DynamoDB deletes expired items days late (the local one never): expiry is checked here.
    return revocation && revocation.expiresAt >= Math.floor(now() / 1000) ? revocation : undefined;
  };
  const userRevokedBefore = async (sub: string): Promise<number | undefined> => {
    const revocation = await read(revocationId({ kind: 'user', sub }));
    return revocation?.kind === 'user' ? revocation.revokedBefore : undefined;
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
      await put({ kind: 'session', sub, sessionId, ...stamps('session') });
    },

    async revokeUser(sub, before) {
      const { revokedAt, expiresAt } = stamps('user');
      // Without a cut-off: every token issued up to one token window ahead (a login racing the deletion included).
      const revokedBefore = before ?? Math.ceil(revokedAt / 1000) + retention.tokenSeconds;
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

    userRevokedBefore,

    async isRevoked(token) {
      const [before, session] = await Promise.all([
        userRevokedBefore(token.sub),
        token.sessionId === undefined ? undefined : read(revocationId({ kind: 'session', sessionId: token.sessionId })),
      ]);
      return (before !== undefined && token.issuedAt < before) || session?.kind === 'session';
    },
  };
}

/** The store as the functions' environment names it (REVOCATIONS_TABLE_NAME, REVOCATION_RETENTION_SECONDS, REVOCATION_USER_RETENTION_SECONDS). */
export function revocationStoreFromEnv(env: RuntimeEnv): RevocationStore {
  return createRevocationStore({
    client: createDocumentClient(env),
    tableName: requireEnv(env, ENV.revocationsTable),
    retention: {
      tokenSeconds: positiveSeconds(env, ENV.revocationRetentionSeconds),
      userSeconds: positiveSeconds(env, ENV.revocationUserRetentionSeconds),
    },
  });
}

function positiveSeconds(env: RuntimeEnv, name: string): number {
  const seconds = Number(requireEnv(env, name));
  if (!Number.isSafeInteger(seconds) || seconds <= 0)
    throw new Error(`Environment variable ${name} must be a positive whole number of seconds`);
  return seconds;
}
