/** API Gateway REST proxy events as the gateway hands them to backends. */
import type { APIGatewayProxyEvent } from 'aws-lambda';

export interface ProxyEventOptions {
  body?: unknown;
  path?: string;
  pathParameters?: Record<string, string>;
  headers?: Record<string, string>;
  /** Sent as `Content-Type` with a body; `null` sends none. @default 'application/json' */
  contentType?: string | null;
  authorizer?: Record<string, string>;
}

export function proxyEvent(method: string, resource: string, options: ProxyEventOptions = {}): APIGatewayProxyEvent {
  const path = options.path ?? resource;
  const contentType =
    options.body === undefined || options.contentType === null
      ? undefined
      : (options.contentType ?? 'application/json');
  return {
    resource,
    path,
    httpMethod: method,
    headers: { ...(contentType === undefined ? {} : { 'Content-Type': contentType }), ...options.headers },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: options.pathParameters ?? null,
    stageVariables: null,
    body:
      options.body === undefined
        ? null
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
    isBase64Encoded: false,
    requestContext: {
      path: `/v1${path}`,
      authorizer: options.authorizer ?? null,
      httpMethod: method,
      resourcePath: resource,
      stage: 'v1',
    } as never,
  };
}
