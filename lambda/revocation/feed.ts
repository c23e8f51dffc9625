/**
 * Reads the revocation feed (lib/contracts/tables.ts › REVOCATION_FEED): every revocation recorded
 * since a time, one Query per page of the feed index, nothing else (the authorizer may Query that
 * index and do nothing more). Each Query is a signed call of its own (./dynamodb-request.ts), not
 * the AWS SDK's: loading the SDK's DynamoDB client was most of a cold start with the check on.
 */
import {
  fromRevocationItem,
  REVOCATION_ATTRIBUTES,
  REVOCATION_FEED_PARTITION,
  type Revocation,
} from '../../lib/contracts/revocation-items';
import type { RuntimeEnv } from '../../lib/contracts/runtime-env';
import { REVOCATION_FEED } from '../../lib/contracts/tables';
import { isJsonObject, type JsonObject } from '../../lib/contracts/json';
import { callDynamo, dynamoEndpointFromEnv, DynamoRequestError, type DynamoEndpoint } from './dynamodb-request';

export interface FeedPage {
  readonly revocations: readonly Revocation[];
  /** Query requests it took (DynamoDB answers at most 1 MB per request). */
  readonly reads: number;
}

export interface RevocationFeed {
  /** Every revocation whose `revokedAt` is at or after `sinceMs`; rejects if the store cannot be read within the time-out. */
  since(sinceMs: number): Promise<FeedPage>;
}

export interface RevocationFeedOptions {
  readonly tableName: string;
  /** Where the store is (region, or the local loopback endpoint) and the credentials to sign with. */
  readonly env: RuntimeEnv;
  /** For the whole read, every page and retry included. */
  readonly timeoutMs: number;
  /** Epoch milliseconds (the signature's date and the deadline). @default Date.now */
  readonly now?: () => number;
}

export class RevocationFeedError extends Error {
  readonly name = 'RevocationFeedError';
}

export function createRevocationFeed(options: RevocationFeedOptions): RevocationFeed {
  const now = options.now ?? Date.now;
  let endpoint: DynamoEndpoint | undefined;

  return {
    async since(sinceMs) {
      const deadline = now() + options.timeoutMs;
      const revocations: Revocation[] = [];
      let reads = 0;
      let start: JsonObject | undefined;
      try {
        endpoint ??= dynamoEndpointFromEnv(options.env);
        do {
          reads++;
          const page = await callDynamo(endpoint, {
            operation: 'Query',
            input: feedQuery(options.tableName, sinceMs, start),
            deadline,
            now,
          });
          for (const item of Array.isArray(page.Items) ? page.Items : []) {
            const revocation = isJsonObject(item) ? revocationFromItem(item) : undefined;
            if (revocation) revocations.push(revocation);
          }
          start = isJsonObject(page.LastEvaluatedKey) ? page.LastEvaluatedKey : undefined;
        } while (start);
      } catch (error) {
        throw readFailure(error, reads);
      }
      return { revocations, reads };
    },
  };
}

/** The Query the feed sends for one page (exported for the benchmark, which repeats it to see its consumed capacity). */
export function feedQuery(tableName: string, sinceMs: number, start: JsonObject | undefined): JsonObject {
  return {
    TableName: tableName,
    IndexName: REVOCATION_FEED.name,
    KeyConditionExpression: '#feed = :feed AND #at >= :since',
    // Only what a revocation holds: without the item's id and feed key the answer is about a third smaller.
    ProjectionExpression: feedProjection,
    ExpressionAttributeNames: {
      '#feed': REVOCATION_ATTRIBUTES.feedKey,
      '#at': REVOCATION_ATTRIBUTES.revokedAt,
      ...feedAttributeNames,
    },
    ExpressionAttributeValues: {
      ':feed': { S: REVOCATION_FEED_PARTITION },
      ':since': { N: String(Math.floor(sinceMs)) },
    },
    ...(start ? { ExclusiveStartKey: start } : {}),
  };
}

/** What fromRevocationItem reads of an item: all the feed asks DynamoDB for. */
const FEED_ATTRIBUTES = [
  'kind',
  'sub',
  'sessionId',
  'revokedBefore',
  REVOCATION_ATTRIBUTES.revokedAt,
  REVOCATION_ATTRIBUTES.expiresAt,
] as const;

/** The projection of FEED_ATTRIBUTES, with its names (shared by the point read, ./point-read.ts). */
export const feedProjection = FEED_ATTRIBUTES.map((_, index) => `#a${index}`).join(', ');
export const feedAttributeNames: JsonObject = Object.fromEntries(
  FEED_ATTRIBUTES.map((name, index) => [`#a${index}`, name]),
);

/** A revocation from an item in DynamoDB's JSON; `undefined` when it is not a valid one. */
export function revocationFromItem(item: JsonObject): Revocation | undefined {
  return fromRevocationItem(plain(item));
}

/** A failed read (feed or point read) as the check reports it: how many requests it took, and what failed. */
export function readFailure(error: unknown, reads: number): RevocationFeedError {
  const name =
    error instanceof DynamoRequestError ? error.errorName : error instanceof Error ? error.message : 'UnknownError';
  return new RevocationFeedError(`Revocation store read failed after ${reads} request(s): ${name}`, { cause: error });
}

/** Those attributes' strings and numbers from DynamoDB's JSON; anything else is left out and fails the item's check. */
function plain(item: JsonObject): Record<string, string | number> {
  const values: Record<string, string | number> = {};
  for (const name of FEED_ATTRIBUTES) {
    const value = item[name];
    if (!isJsonObject(value)) continue;
    if (typeof value.S === 'string') values[name] = value.S;
    else if (typeof value.N === 'string') values[name] = Number(value.N);
  }
  return values;
}
