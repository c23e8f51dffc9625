/**
 * The Lambda proxy integration's event, as API Gateway (REST) builds it for a backend, and
 * Lambda's limit on its size.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Route } from '../contracts/access-map';
import type { RequestTarget } from './routing';

export interface ProxyEventInput {
  readonly request: IncomingMessage;
  readonly target: RequestTarget;
  readonly route: Route;
  readonly pathParameters: Record<string, string>;
  readonly body: Buffer;
  /** The authorizer's context plus `principalId`; `undefined` on public routes. */
  readonly authorizer: Record<string, unknown> | undefined;
  readonly stage: string;
}

export function proxyEvent({
  request,
  target,
  route,
  pathParameters,
  body,
  authorizer,
  stage,
}: ProxyEventInput): APIGatewayProxyEvent {
  const { single: headers, multi: multiValueHeaders } = collect(pairsOf(request.rawHeaders));
  const { single: query, multi: multiQuery } = collect([...target.query]);
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource: route.path,
    path: target.path,
    httpMethod: route.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : null,
    stageVariables: null,
    body: body.length > 0 ? body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      authorizer: authorizer ?? null,
      httpMethod: route.method,
      identity: identity(request),
      path: target.path, // the path as the client sent it (deployed: with the stage prefix)
      protocol: `HTTP/${request.httpVersion}`,
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: route.path,
      stage,
    },
  };
}

/** Lambda's limit for a synchronous invocation's payload: the serialized event. */
export const LAMBDA_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;
/**
 * Node caps a request's head at 16 KiB by default and the event repeats it a few times: everything
 * but the body stays far below this. JSON escapes a character into at most 6 bytes.
 */
const EVENT_OVERHEAD_BOUND_BYTES = 256 * 1024;
const MAX_ESCAPED_CHARACTER_BYTES = 6;

/** Whether Lambda would refuse the event as too large (serialized only when it might be). */
export function exceedsLambdaPayload(event: APIGatewayProxyEvent): boolean {
  const bodyLength = event.body?.length ?? 0;
  if (bodyLength * MAX_ESCAPED_CHARACTER_BYTES + EVENT_OVERHEAD_BOUND_BYTES <= LAMBDA_PAYLOAD_LIMIT_BYTES) return false;
  return Buffer.byteLength(JSON.stringify(event)) > LAMBDA_PAYLOAD_LIMIT_BYTES;
}

function pairsOf(rawHeaders: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < rawHeaders.length; i += 2) pairs.push([rawHeaders[i], rawHeaders[i + 1]]);
  return pairs;
}

/** API Gateway's two views of repeated names: the last value, and every value in order. */
function collect(pairs: Iterable<[string, string]>): {
  single: Record<string, string>;
  multi: Record<string, string[]>;
} {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of pairs) {
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  return { single, multi };
}

function identity(request: IncomingMessage): APIGatewayProxyEvent['requestContext']['identity'] {
  return {
    sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
    userAgent: request.headers['user-agent'] ?? null,
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    user: null,
    userArn: null,
  };
}
