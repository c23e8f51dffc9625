/**
 * One call of DynamoDB's JSON API, signed with SigV4 (./sigv4.ts) and sent over the
 * `https` module the JWKS download already loads: no AWS SDK, whose DynamoDB client alone cost a
 * cold start more than the rest of it together (bench/README.md › Cold start with the revocation
 * check). Credentials are the function's own, from the environment Lambda gives it; the local
 * system's DynamoDB (a loopback endpoint only) takes dummy ones.
 *
 * Behaves as the project's SDK clients do (lib/clients/sdk-client-config.ts): two attempts, the
 * second only after an error worth retrying (the connection failed, a 5xx, throttling), both within
 * the caller's deadline, and no redirect followed.
 */
import { ENV, loopbackOverride, requireEnv, type RuntimeEnv } from '../../lib/contracts/runtime-env';
import { boundedRequest, BoundedRequestError } from '../shared/bounded-request';
import { parseJsonObject, type JsonObject } from '../../lib/contracts/json';
import { isoTimestamp } from '../shared/logger';
import { signPost } from './sigv4';

export interface DynamoEndpoint {
  readonly url: URL;
  readonly region: string;
  readonly credentials: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
}

/** DynamoDB answered with an error, or could not be reached in time. */
export class DynamoRequestError extends Error {
  readonly name = 'DynamoRequestError';
  constructor(
    message: string,
    /** DynamoDB's error type (`ProvisionedThroughputExceededException`, …), or what failed on the way (`TimeoutError`, `NetworkError`). */
    readonly errorName: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
/** An answer is at most 1 MB of items; their JSON spelling adds the type wrappers. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const MAX_ATTEMPTS = 2;
/** The retry waits a random time up to this (the SDK's base delay, full jitter). */
const RETRY_DELAY_MS = 100;
const THROTTLING = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);

/**
 * Where the calls go and with which credentials: the region's endpoint and the Lambda's
 * credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), or the local
 * DYNAMODB_ENDPOINT. Throws when neither is there: the caller reports the read as failed.
 */
export function dynamoEndpointFromEnv(env: RuntimeEnv): DynamoEndpoint {
  const region = env[ENV.region] ?? 'us-east-1';
  const local = loopbackOverride(env, ENV.dynamodbEndpoint);
  if (local) return { url: new URL(local), region, credentials: LOCAL_CREDENTIALS };
  const sessionToken = env.AWS_SESSION_TOKEN;
  return {
    url: new URL(`https://dynamodb.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}/`),
    region,
    credentials: {
      accessKeyId: requireEnv(env, 'AWS_ACCESS_KEY_ID'),
      secretAccessKey: requireEnv(env, 'AWS_SECRET_ACCESS_KEY'),
      ...(sessionToken ? { sessionToken } : {}),
    },
  };
}

export interface DynamoCall {
  /** E.g. `Query`. */
  readonly operation: string;
  readonly input: JsonObject;
  /** Epoch milliseconds by which the call (its retry included) must have an answer. */
  readonly deadline: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** The operation's answer; rejects with DynamoRequestError. */
export async function callDynamo(endpoint: DynamoEndpoint, call: DynamoCall): Promise<JsonObject> {
  const now = call.now ?? Date.now;
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptCall(endpoint, call, now);
    } catch (error) {
      const failure = asDynamoError(error);
      const delay = Math.random() * RETRY_DELAY_MS;
      if (!failure.retryable || attempt >= MAX_ATTEMPTS || now() + delay >= call.deadline) throw failure;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

async function attemptCall(endpoint: DynamoEndpoint, call: DynamoCall, now: () => number): Promise<JsonObject> {
  const timeoutMs = call.deadline - now();
  if (timeoutMs <= 0) throw new DynamoRequestError('No time left for the request', 'TimeoutError', false);
  const body = JSON.stringify(call.input);
  const headers = signPost(
    {
      host: endpoint.url.host,
      region: endpoint.region,
      service: 'dynamodb',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDB_20120810.${call.operation}`,
      },
      body,
      amzDate: amzDate(now()),
    },
    endpoint.credentials,
  );
  const response = await boundedRequest(endpoint.url.href, {
    method: 'POST',
    timeoutMs,
    maxResponseBytes: MAX_RESPONSE_BYTES,
    headers,
    body,
  });
  const answer = parseJsonObject(response.body.toString('utf8'));
  if (response.status === 200 && answer) return answer;
  // Errors name their type as `com.amazonaws.dynamodb.v20120810#ThrottlingException`.
  const type = typeof answer?.__type === 'string' ? answer.__type.slice(answer.__type.lastIndexOf('#') + 1) : '';
  const errorName = type || `HTTP${response.status}`;
  throw new DynamoRequestError(
    `DynamoDB ${call.operation} answered ${response.status} ${errorName}`,
    errorName,
    response.status >= 500 || THROTTLING.has(errorName),
  );
}

function asDynamoError(error: unknown): DynamoRequestError {
  if (error instanceof DynamoRequestError) return error;
  // A connection that failed is worth a second try; a time-out used the whole deadline.
  if (error instanceof BoundedRequestError)
    return new DynamoRequestError(
      error.message,
      error.kind === 'timeout' ? 'TimeoutError' : 'NetworkError',
      error.kind === 'network',
    );
  return new DynamoRequestError(error instanceof Error ? error.message : 'Request failed', 'UnknownError', false);
}

/** SigV4's `X-Amz-Date`: `20261203T101500Z`. */
function amzDate(epochMs: number): string {
  return isoTimestamp(epochMs).replace(/[:-]|\.\d{3}/g, '');
}
