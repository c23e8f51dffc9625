/**
 * Reads the revocation feed (lib/config/tables.ts › REVOCATION_FEED): every revocation recorded
 * since a time, one Query per page of the feed index, nothing else (the authorizer may Query that
 * index and do nothing more). The AWS SDK is loaded on the first read, not at cold start: the
 * Lambda runtime provides it, the bundle leaves it out, and nothing the check needs loads before
 * the first verified token.
 */
import type { AttributeValue, DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import {
  fromRevocationItem,
  REVOCATION_ATTRIBUTES,
  REVOCATION_FEED_PARTITION,
  type Revocation,
} from '../../lib/config/revocation';
import { ENV, type RuntimeEnv } from '../../lib/config/runtime-env';
import { REVOCATION_FEED } from '../../lib/config/tables';
import { sdkClientConfig } from '../shared/sdk-client-config';

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
  /** Where the client finds its region and (locally) the loopback endpoint. */
  readonly env: RuntimeEnv;
  /** For the whole read, every page included; the SDK's own load is not counted. */
  readonly timeoutMs: number;
}

export class RevocationFeedError extends Error {
  readonly name = 'RevocationFeedError';
}

type Sdk = { readonly client: DynamoDBClient; readonly QueryCommand: typeof QueryCommand };

export function createRevocationFeed(options: RevocationFeedOptions): RevocationFeed {
  let sdk: Promise<Sdk> | undefined;
  const load = (): Promise<Sdk> =>
    (sdk ??= import('@aws-sdk/client-dynamodb').then(({ DynamoDBClient, QueryCommand }) => ({
      client: new DynamoDBClient(
        sdkClientConfig(options.env, ENV.dynamodbEndpoint, {
          connectionTimeout: options.timeoutMs,
          requestTimeout: options.timeoutMs,
        }),
      ),
      QueryCommand,
    })));

  return {
    async since(sinceMs) {
      const { client, QueryCommand } = await load();
      const abort = AbortSignal.timeout(options.timeoutMs);
      const revocations: Revocation[] = [];
      let reads = 0;
      let start: Record<string, AttributeValue> | undefined;
      try {
        do {
          reads++;
          const page = await client.send(new QueryCommand(queryInput(options.tableName, sinceMs, start)), {
            abortSignal: abort,
          });
          for (const item of page.Items ?? []) {
            const revocation = fromRevocationItem(plain(item));
            if (revocation) revocations.push(revocation);
          }
          start = page.LastEvaluatedKey;
        } while (start);
      } catch (error) {
        throw new RevocationFeedError(
          `Revocation store read failed after ${reads} request(s): ${error instanceof Error ? error.name : 'UnknownError'}`,
          { cause: error },
        );
      }
      return { revocations, reads };
    },
  };
}

function queryInput(tableName: string, sinceMs: number, start: Record<string, AttributeValue> | undefined) {
  return {
    TableName: tableName,
    IndexName: REVOCATION_FEED.name,
    KeyConditionExpression: '#feed = :feed AND #at >= :since',
    ExpressionAttributeNames: { '#feed': REVOCATION_ATTRIBUTES.feedKey, '#at': REVOCATION_ATTRIBUTES.revokedAt },
    ExpressionAttributeValues: {
      ':feed': { S: REVOCATION_FEED_PARTITION },
      ':since': { N: String(Math.floor(sinceMs)) },
    },
    ExclusiveStartKey: start,
  };
}

/** The strings and numbers of an item (all a revocation holds); anything else is left out and fails the item's check. */
function plain(item: Record<string, AttributeValue>): Record<string, string | number> {
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (value.S !== undefined) values[name] = value.S;
    else if (value.N !== undefined) values[name] = Number(value.N);
  }
  return values;
}
