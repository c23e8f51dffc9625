/**
 * The serialisation point of admin deletions: one item (`lock#admin-group`) in the revocation
 * table, taken with a conditional PutItem and given back with a conditional DeleteItem. While one
 * request holds it, it counts the members of admin-group and deletes one of them; a second deletion
 * of an admin at the same time finds the item taken and is refused (409), so two admins deleting
 * each other can never both succeed. A holder that dies (a Lambda time-out) leaves an item whose
 * lease runs out: the next request takes it over.
 *
 * The item has no feed key, so it never appears in the feed index the authorizer reads, and it
 * carries the table's TTL attribute, so DynamoDB removes a stale one.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { REVOCATION_ATTRIBUTES } from '../../lib/contracts/revocation-items';
import { callStore } from '../shared/store-error';

export const ADMIN_DELETION_LOCK_ID = 'lock#admin-group';
/** Longer than the function's 10 s time-out: a live holder never loses it, a dead one blocks this long at most. */
export const LEASE_SECONDS = 30;

export interface AdminDeletionLock {
  /** Runs `work` holding the lock; `undefined` without running it when another request holds it. */
  whileHeld<T>(work: () => Promise<T>): Promise<T | undefined>;
}

export interface AdminDeletionLockOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

export function createAdminDeletionLock(options: AdminDeletionLockOptions): AdminDeletionLock {
  const { client, tableName } = options;
  const now = options.now ?? Date.now;
  const names = { '#id': REVOCATION_ATTRIBUTES.id, '#expiresAt': REVOCATION_ATTRIBUTES.expiresAt };

  const acquire = async (holder: string): Promise<boolean> => {
    const nowSeconds = Math.floor(now() / 1000);
    try {
      await callStore('PutItem', () =>
        client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              [REVOCATION_ATTRIBUTES.id]: ADMIN_DELETION_LOCK_ID,
              [REVOCATION_ATTRIBUTES.expiresAt]: nowSeconds + LEASE_SECONDS,
              holder,
            },
            ConditionExpression: 'attribute_not_exists(#id) OR #expiresAt < :now',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ':now': nowSeconds },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  };

  const release = async (holder: string): Promise<void> => {
    try {
      await callStore('DeleteItem', () =>
        client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { [REVOCATION_ATTRIBUTES.id]: ADMIN_DELETION_LOCK_ID },
            // Only our own: after a lease ran out another request may hold it now.
            ConditionExpression: 'holder = :holder',
            ExpressionAttributeValues: { ':holder': holder },
          }),
        ),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  };

  return {
    async whileHeld(work) {
      const holder = randomUUID();
      if (!(await acquire(holder))) return undefined;
      try {
        return await work();
      } finally {
        // One we could not give back (the store failing just then) runs out with its lease.
        await release(holder).catch(() => undefined);
      }
    },
  };
}
