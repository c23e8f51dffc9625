/** API Gateway REST proxy events as the gateway hands them to backends. */
import type { APIGatewayProxyEvent } from 'aws-lambda';

export function proxyEvent(
  method: string,
  resource: string,
  options: { body?: unknown; path?: string; pathParameters?: Record<string, string>; headers?: Record<string, string>; authorizer?: Record<string, string> } = {},
): APIGatewayProxyEvent {
  const path = options.path ?? resource;
  return {
    resource,
    path,
    httpMethod: method,
    headers: options.headers ?? {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: options.pathParameters ?? null,
    stageVariables: null,
    body: options.body === undefined ? null : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    isBase64Encoded: false,
    requestContext: { path: `/v1${path}`, authorizer: options.authorizer ?? null, httpMethod: method, resourcePath: resource, stage: 'v1' } as never,
  };
}
