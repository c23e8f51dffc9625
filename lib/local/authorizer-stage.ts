/**
 * The TOKEN authorizer step of API Gateway: the identity source (one Authorization header), the
 * Lambda authorizer call, its answer's shape check and API Gateway's result cache per token.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import type { GatewayResponseName } from '../contracts/gateway-responses';
import { isJsonObject } from '../contracts/json';

/** A Lambda TOKEN authorizer; like the Lambda runtime, the stage passes a context with a fresh request id. */
export type AuthorizerFunction = (
  event: APIGatewayTokenAuthorizerEvent,
  context: { readonly awsRequestId: string },
) => Promise<APIGatewayAuthorizerResult>;

export interface AuthorizerStageProps {
  readonly authorizer: AuthorizerFunction;
  /** API Gateway's authorizer result cache TTL; 0 disables the cache. */
  readonly resultsCacheTtlSeconds: number;
  /** The cache's clock, in epoch milliseconds. */
  readonly now: () => number;
}

/** The authorizer allowed the request to reach policy evaluation, or answered in API Gateway's terms. */
export type AuthorizerOutcome =
  | { readonly result: APIGatewayAuthorizerResult; readonly source: 'hit' | 'invoked' }
  | {
      readonly rejection: Extract<GatewayResponseName, 'unauthorized' | 'authorizerFailure'>;
      readonly source: 'invoked';
    };

export interface AuthorizerStage {
  authorize(identity: string, methodArn: string): Promise<AuthorizerOutcome>;
  readonly invocations: number;
}

/** Bounds the cache the way a memory limit bounds API Gateway's. */
const MAX_CACHE_ENTRIES = 10_000;

export function createAuthorizerStage(props: AuthorizerStageProps): AuthorizerStage {
  const cache = new Map<string, { readonly result: APIGatewayAuthorizerResult; readonly expiresAt: number }>();
  const ttlMs = props.resultsCacheTtlSeconds * 1000;
  let invocations = 0;

  async function authorize(identity: string, methodArn: string): Promise<AuthorizerOutcome> {
    const cached = ttlMs > 0 ? cache.get(identity) : undefined;
    if (cached && cached.expiresAt > props.now()) return { result: cached.result, source: 'hit' };

    invocations++;
    let result: unknown;
    try {
      result = await props.authorizer(
        { type: 'TOKEN', authorizationToken: identity, methodArn },
        { awsRequestId: randomUUID() },
      );
    } catch (error) {
      // API Gateway: exactly "Unauthorized" is a 401; any other failure is the authorizer's fault.
      const unauthorized = error instanceof Error && error.message === 'Unauthorized';
      return { rejection: unauthorized ? 'unauthorized' : 'authorizerFailure', source: 'invoked' };
    }
    if (!isWellFormedResult(result)) return { rejection: 'authorizerFailure', source: 'invoked' };
    if (ttlMs > 0) {
      if (cache.size >= MAX_CACHE_ENTRIES) cache.clear();
      cache.set(identity, { result, expiresAt: props.now() + ttlMs });
    }
    return { result, source: 'invoked' };
  }

  return {
    authorize,
    get invocations() {
      return invocations;
    },
  };
}

/**
 * The identity source of a TOKEN authorizer: the one Authorization header. Missing, empty or sent
 * more than once (which value would be authorized, and which would the backend see?) is `undefined`:
 * a 401 without invoking the authorizer. Read from the raw headers: Node keeps only the first.
 */
export function identitySource(rawHeaders: readonly string[]): string | undefined {
  let value: string | undefined;
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() !== 'authorization') continue;
    count++;
    value = rawHeaders[i + 1];
  }
  return count === 1 && value ? value : undefined;
}

const CONTEXT_VALUE_TYPES = new Set(['string', 'number', 'boolean']);

function isWellFormedResult(result: unknown): result is APIGatewayAuthorizerResult {
  if (!isJsonObject(result)) return false;
  const { principalId, policyDocument, context } = result;
  if (typeof principalId !== 'string' || !isJsonObject(policyDocument) || !Array.isArray(policyDocument.Statement))
    return false;
  // Context values must be strings, numbers or booleans: API Gateway rejects anything else.
  if (context === undefined || context === null) return true;
  return isJsonObject(context) && Object.values(context).every((value) => CONTEXT_VALUE_TYPES.has(typeof value));
}
