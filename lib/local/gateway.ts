/**
 * A local stand-in for API Gateway (REST, TOKEN authorizer, Lambda proxy integrations) that
 * copies what the deployed gateway does to a request:
 *   route lookup → identity source check → authorizer (with its result cache) →
 *   IAM policy evaluation against the request's method ARN → backend Lambda handler.
 * The authorizer and handlers it calls are the real ones, unchanged.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayTokenAuthorizerEvent,
} from 'aws-lambda';
import { findRoute, isPublic, type HandlerName, type Route } from '../config/access-map';
import { GATEWAY_RESPONSES, type GatewayResponseName } from '../config/gateway-responses';
import { evaluatePolicy } from '../../lambda/authorizer/iam-policy';

export type AuthorizerFunction = (event: APIGatewayTokenAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;
export type ProxyHandler = (event: APIGatewayProxyEvent, context: { readonly awsRequestId: string }) => Promise<APIGatewayProxyResult>;

/** Extra non-API pages the local system serves (e.g. the Hosted UI demo page). */
export type StaticRoute = (request: IncomingMessage, response: ServerResponse) => boolean;

export interface LocalGatewayProps {
  readonly routes: readonly Route[];
  readonly authorizer: AuthorizerFunction;
  readonly handlers: Readonly<Record<HandlerName, ProxyHandler>>;
  /** API Gateway's authorizer result cache TTL; 0 disables the cache. */
  readonly resultsCacheTtlSeconds: number;
  /** Parts of the method ARN the authorizer sees. */
  readonly api: { readonly region: string; readonly accountId: string; readonly apiId: string; readonly stage: string };
  readonly allowedOrigin?: string;
  readonly staticRoutes?: readonly StaticRoute[];
  /** One JSON access-log line per request; silent by default. */
  readonly accessLog?: (line: string) => void;
  /** Largest request body accepted (API Gateway: 10 MB). */
  readonly maxBodyBytes?: number;
  /**
   * The clock of the authorizer cache, in epoch milliseconds (tests move it instead of sleeping).
   * @default Date.now
   */
  readonly now?: () => number;
}

export interface LocalGateway {
  readonly url: string;
  /** How many times the authorizer was invoked (the cache saves the rest). */
  readonly authorizerInvocations: number;
  close(): Promise<void>;
}

interface CachedAuthorization {
  readonly result: APIGatewayAuthorizerResult;
  readonly expiresAt: number;
}

interface Reply {
  readonly statusCode: number;
  readonly headers?: Record<string, string>;
  readonly multiValueHeaders?: Record<string, string[]>;
  readonly body: string | Buffer;
  /** `hit`, `invoked` or `none` (public or rejected before the authorizer). */
  readonly authorizer: 'hit' | 'invoked' | 'none';
}

const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Bounds the cache the way a memory limit bounds API Gateway's. */
const MAX_CACHE_ENTRIES = 10_000;

export function createLocalGateway(props: LocalGatewayProps): {
  listen(port: number, host: string): Promise<LocalGateway>;
} {
  const cache = new Map<string, CachedAuthorization>();
  let authorizerInvocations = 0;
  const maxBodyBytes = props.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const now = props.now ?? Date.now;
  const corsHeaders: Record<string, string> = props.allowedOrigin
    ? { 'Access-Control-Allow-Origin': props.allowedOrigin, Vary: 'Origin' }
    : {};

  function gatewayResponse(name: GatewayResponseName, authorizer: Reply['authorizer'] = 'none'): Reply {
    const { statusCode, body } = GATEWAY_RESPONSES[name];
    return {
      statusCode,
      headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': name, ...corsHeaders },
      body: JSON.stringify(body),
      authorizer,
    };
  }

  function methodArn(method: string, path: string): string {
    const { region, accountId, apiId, stage } = props.api;
    return `arn:aws:execute-api:${region}:${accountId}:${apiId}/${stage}/${method}${path}`;
  }

  async function authorize(
    identity: string,
    arn: string,
  ): Promise<{ result: APIGatewayAuthorizerResult; source: 'hit' | 'invoked' } | GatewayResponseName> {
    const ttlMs = props.resultsCacheTtlSeconds * 1000;
    const cached = ttlMs > 0 ? cache.get(identity) : undefined;
    if (cached && cached.expiresAt > now()) return { result: cached.result, source: 'hit' };

    authorizerInvocations++;
    let result: APIGatewayAuthorizerResult;
    try {
      result = await props.authorizer({ type: 'TOKEN', authorizationToken: identity, methodArn: arn });
    } catch (error) {
      // API Gateway: exactly "Unauthorized" is a 401; any other failure is the authorizer's fault.
      return error instanceof Error && error.message === 'Unauthorized' ? 'unauthorized' : 'authorizerFailure';
    }
    if (!isWellFormedResult(result)) return 'authorizerFailure';
    if (ttlMs > 0) {
      if (cache.size >= MAX_CACHE_ENTRIES) cache.clear();
      cache.set(identity, { result, expiresAt: now() + ttlMs });
    }
    return { result, source: 'invoked' };
  }

  async function handle(request: IncomingMessage, body: Buffer): Promise<Reply> {
    const url = new URL(request.url ?? '/', 'http://local');
    const method = request.method ?? 'GET';
    const match = findRoute(props.routes, method, url.pathname);
    if (!match) return gatewayResponse('missingAuthenticationToken');

    const { route, pathParameters } = match;
    const arn = methodArn(method, url.pathname);
    let authorizerContext: Record<string, unknown> | undefined;
    let authorizerSource: Reply['authorizer'] = 'none';

    if (!isPublic(route)) {
      const identity = request.headers.authorization;
      // A TOKEN authorizer's identity source missing or empty: 401 without invoking the authorizer.
      if (!identity) return gatewayResponse('unauthorized');
      const outcome = await authorize(identity, arn);
      if (typeof outcome === 'string') return gatewayResponse(outcome);
      authorizerSource = outcome.source;
      if (evaluatePolicy(outcome.result.policyDocument, arn) !== 'allow') {
        return gatewayResponse('accessDenied', authorizerSource);
      }
      authorizerContext = { ...outcome.result.context, principalId: outcome.result.principalId };
    }

    const event = proxyEvent(request, url, route, pathParameters, body, authorizerContext, props.api.stage);
    let result: APIGatewayProxyResult;
    try {
      result = await props.handlers[route.handler](event, { awsRequestId: event.requestContext.requestId });
    } catch {
      return gatewayResponse('integrationFailure', authorizerSource);
    }
    if (!result || typeof result.statusCode !== 'number') return gatewayResponse('integrationFailure', authorizerSource);
    return {
      statusCode: result.statusCode,
      headers: { ...corsHeaders, ...stringHeaders(result.headers) },
      multiValueHeaders: result.multiValueHeaders as Record<string, string[]> | undefined,
      body: result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''),
      authorizer: authorizerSource,
    };
  }

  const server = createServer((request, response) => {
    const started = process.hrtime.bigint();
    if (props.staticRoutes?.some((serve) => serve(request, response))) return;
    void readBody(request, maxBodyBytes)
      .then((body) => (body === undefined ? gatewayResponse('requestTooLarge') : handle(request, body)))
      .catch(() => gatewayResponse('integrationFailure'))
      .then((reply) => {
        writeReply(response, reply);
        props.accessLog?.(
          JSON.stringify({
            level: 'INFO',
            message: 'request',
            service: 'local-gateway',
            method: request.method,
            path: new URL(request.url ?? '/', 'http://local').pathname,
            status: reply.statusCode,
            authorizer: reply.authorizer,
            latencyMs: Number(process.hrtime.bigint() - started) / 1e6,
          }),
        );
      });
  });
  server.keepAliveTimeout = 5000;

  return {
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          resolve({
            url: `http://${host}:${address.port}`,
            get authorizerInvocations() {
              return authorizerInvocations;
            },
            close: () =>
              new Promise<void>((done) => {
                server.closeAllConnections();
                server.close(() => done());
              }),
          });
        });
      }),
  };
}

function isWellFormedResult(result: unknown): result is APIGatewayAuthorizerResult {
  if (!result || typeof result !== 'object') return false;
  const { principalId, policyDocument, context } = result as APIGatewayAuthorizerResult;
  if (typeof principalId !== 'string' || !policyDocument || !Array.isArray(policyDocument.Statement)) return false;
  // Context values must be strings, numbers or booleans: API Gateway rejects anything else.
  return context === undefined || context === null || Object.values(context).every((value) => ['string', 'number', 'boolean'].includes(typeof value));
}

function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function proxyEvent(
  request: IncomingMessage,
  url: URL,
  route: Route,
  pathParameters: Record<string, string>,
  body: Buffer,
  authorizer: Record<string, unknown> | undefined,
  stage: string,
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const [name, value] = [request.rawHeaders[i], request.rawHeaders[i + 1]];
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    (multiQuery[name] ??= []).push(value);
  }
  const hasQuery = Object.keys(query).length > 0;
  const requestId = randomUUID();
  return {
    resource: route.path,
    path: url.pathname,
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
      identity: { sourceIp: request.socket.remoteAddress ?? '127.0.0.1', userAgent: request.headers['user-agent'] ?? null },
      path: url.pathname, // the path as the client sent it (deployed: with the stage prefix)
      protocol: `HTTP/${request.httpVersion}`,
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: route.path,
      stage,
    } as APIGatewayProxyEvent['requestContext'],
  };
}

function stringHeaders(headers: APIGatewayProxyResult['headers']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) result[name] = String(value);
  return result;
}

function writeReply(response: ServerResponse, reply: Reply): void {
  if (response.headersSent) return;
  for (const [name, value] of Object.entries(reply.headers ?? {})) response.setHeader(name, value);
  for (const [name, values] of Object.entries(reply.multiValueHeaders ?? {})) response.setHeader(name, values);
  response.setHeader('X-Local-Authorizer', reply.authorizer);
  response.writeHead(reply.statusCode);
  response.end(reply.body);
}
