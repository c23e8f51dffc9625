/**
 * DynamoDB failing, as one error type for every store of the backends (reviews, revocations): which
 * operation failed, the SDK's error name and whether DynamoDB asked us to slow down. A failed
 * condition is not a store failure: callers that expect one get it back as it is.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { json, type ProxyResult } from './http';

/** DynamoDB failed or could not be reached (not a failed condition: those are outcomes). */
export class StoreError extends Error {
  readonly name = 'StoreError';
  constructor(
    readonly operation: string,
    /** The SDK's error name, e.g. `ProvisionedThroughputExceededException`, `TimeoutError`. */
    readonly errorName: string,
    /** DynamoDB asked the caller to slow down: worth a retry later. */
    readonly throttled: boolean,
  ) {
    super(`${operation} failed: ${errorName}`);
  }
}

const THROTTLING = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);

/** Runs one store request; any failure but a failed condition becomes a StoreError. */
export async function callStore<T>(operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw error;
    const name = error instanceof Error ? error.name : 'UnknownError';
    throw new StoreError(operation, name, THROTTLING.has(name));
  }
}

/** The answer to a store failure: 503 with Retry-After when throttled, else 502; never a bare 500. */
export function storeErrorResult(
  error: StoreError,
  message: string,
): { readonly reason: 'STORE_THROTTLED' | 'STORE_UNAVAILABLE'; readonly result: ProxyResult } {
  return error.throttled
    ? {
        reason: 'STORE_THROTTLED',
        result: json(503, { message: 'Too many requests: retry later' }, { 'Retry-After': '1' }),
      }
    : { reason: 'STORE_UNAVAILABLE', result: json(502, { message }) };
}
