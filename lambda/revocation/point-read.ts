/**
 * Reads one verified token's own revocation items — its session's (`session#<id>`) and its user's
 * (`user#<sub>`) — with one signed BatchGetItem (./dynamodb-request.ts). The check asks this for a
 * cold instance's first decision (./check.ts), so the first request of a cold start waits for two
 * small items instead of the whole store. Strongly consistent: it sees what the writers
 * wrote before it, which the feed index may not show yet.
 */
import { REVOCATION_ATTRIBUTES, revocationId, type Revocation } from '../../lib/contracts/revocation-items';
import type { RuntimeEnv } from '../../lib/contracts/runtime-env';
import { isJsonObject, type JsonObject } from '../../lib/contracts/json';
import { callDynamo, dynamoEndpointFromEnv, type DynamoEndpoint } from './dynamodb-request';
import { feedAttributeNames, feedProjection, readFailure, revocationFromItem } from './feed';

/** What names a token's items. */
export interface TokenKeys {
  readonly sub: string;
  readonly sessionId: string | undefined;
}

export interface RevocationLookup {
  /** The token's own revocations (none, one or two); rejects with RevocationFeedError if the store cannot be read within the time-out. */
  lookup(token: TokenKeys): Promise<readonly Revocation[]>;
}

export interface RevocationLookupOptions {
  readonly tableName: string;
  /** Where the store is and the credentials to sign with (as the feed's). */
  readonly env: RuntimeEnv;
  /** For the whole lookup, retries and unprocessed keys included. */
  readonly timeoutMs: number;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

export function createRevocationLookup(options: RevocationLookupOptions): RevocationLookup {
  const now = options.now ?? Date.now;
  let endpoint: DynamoEndpoint | undefined;

  return {
    async lookup(token) {
      const deadline = now() + options.timeoutMs;
      const revocations: Revocation[] = [];
      let reads = 0;
      let keys: unknown = tokenItemKeys(token);
      try {
        endpoint ??= dynamoEndpointFromEnv(options.env);
        // DynamoDB may leave keys unprocessed (throttling): they are asked again within the deadline.
        while (Array.isArray(keys) && keys.length > 0) {
          reads++;
          const answer = await callDynamo(endpoint, {
            operation: 'BatchGetItem',
            input: { RequestItems: { [options.tableName]: { ...tableRequest(), Keys: keys } } },
            deadline,
            now,
          });
          const items = isJsonObject(answer.Responses) ? answer.Responses[options.tableName] : undefined;
          for (const item of Array.isArray(items) ? items : []) {
            const revocation = isJsonObject(item) ? revocationFromItem(item) : undefined;
            if (revocation) revocations.push(revocation);
          }
          const unprocessed = isJsonObject(answer.UnprocessedKeys)
            ? answer.UnprocessedKeys[options.tableName]
            : undefined;
          keys = isJsonObject(unprocessed) ? unprocessed.Keys : undefined;
        }
      } catch (error) {
        throw readFailure(error, reads);
      }
      return revocations;
    },
  };
}

function tokenItemKeys(token: TokenKeys): JsonObject[] {
  const ids = [revocationId({ kind: 'user', sub: token.sub })];
  if (token.sessionId !== undefined) ids.push(revocationId({ kind: 'session', sessionId: token.sessionId }));
  return ids.map((id) => ({ [REVOCATION_ATTRIBUTES.id]: { S: id } }));
}

/** Only the attributes a revocation holds, as the feed asks for them. */
function tableRequest(): JsonObject {
  return { ConsistentRead: true, ProjectionExpression: feedProjection, ExpressionAttributeNames: feedAttributeNames };
}
