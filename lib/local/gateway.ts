/**
 * A local stand-in for API Gateway (REST, TOKEN authorizer, Lambda proxy integrations) that
 * copies what the deployed gateway does to a request:
 *   literal route lookup (or a CORS preflight) → identity source check → authorizer (with its
 *   result cache) → IAM policy evaluation against the request's method ARN → Lambda's payload
 *   limit → backend Lambda handler, whose answer is passed on with exactly its own headers.
 * The authorizer and handlers it calls are the real ones, unchanged.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { findRoute, isPublic, type HandlerName, type Route } from '../contracts/access-map';
import { gatewayResponseCorsHeaders, preflightHeaders, PREFLIGHT_STATUS, type CorsPolicy } from '../contracts/cors';
import { GATEWAY_RESPONSES, type GatewayResponseName } from '../contracts/gateway-responses';
import { isJsonObject } from '../contracts/json';
import { createLogger, type Logger } from '../../lambda/shared/logger';
import { createAuthorizerStage, identitySource, type AuthorizerFunction } from './authorizer-stage';
import { evaluateGatewayPolicy } from './policy-evaluation';
import { exceedsLambdaPayload, proxyEvent } from './proxy-event';
import { isResource, parseRequestTarget, resourcePaths, type RequestTarget } from './routing';

export type { AuthorizerFunction } from './authorizer-stage';
export type ProxyHandler = (
  event: APIGatewayProxyEvent,
  context: { readonly awsRequestId: string },
) => Promise<APIGatewayProxyResult>;

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
  /**
   * CORS as the deployed API has it (lib/contracts/cors.ts): preflights and the gateway's own answers.
   * @default none: no preflights (403), no CORS headers, like an API without CORS
   */
  readonly cors?: CorsPolicy;
  readonly staticRoutes?: readonly StaticRoute[];
  /**
   * The gateway's JSON log lines: one per request, and a WARN line per policy statement it could
   * not evaluate exactly.
   * @default silent
   */
  readonly accessLog?: (line: string) => void;
  /**
   * Largest request body accepted.
   * @default 10 MB, API Gateway's limit
   */
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

/** `hit`, `invoked` (whatever the authorizer answered) or `none` (public, or rejected before the authorizer). */
type AuthorizerUse = 'hit' | 'invoked' | 'none';

interface Reply {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly multiValueHeaders?: Record<string, string[]>;
  readonly body: string | Buffer;
  readonly authorizer: AuthorizerUse;
}

/** The request may go on to the backend, with the authorizer's context; or it was answered. */
type Access =
  { readonly context: Record<string, unknown> | undefined; readonly source: AuthorizerUse } | { readonly reply: Reply };

const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

export function createLocalGateway(props: LocalGatewayProps): {
  listen(port: number, host: string): Promise<LocalGateway>;
} {
  const authorizer = createAuthorizerStage({ ...props, now: props.now ?? Date.now });
  const logger = createLogger('local-gateway', props.accessLog ?? (() => undefined));
  const resources = resourcePaths(props.routes);
  const gatewayResponse = gatewayResponses(props.cors);

  const preflight = (target: RequestTarget, origin: string | undefined): Reply => {
    if (!props.cors || !isResource(resources, target.path)) return gatewayResponse('missingAuthenticationToken');
    return {
      statusCode: PREFLIGHT_STATUS,
      headers: preflightHeaders(props.cors, origin),
      body: '',
      authorizer: 'none',
    };
  };

  const methodArn = (method: string, path: string): string => {
    const { region, accountId, apiId, stage } = props.api;
    return `arn:aws:execute-api:${region}:${accountId}:${apiId}/${stage}/${method}${path}`;
  };

  async function authorizeRequest(request: IncomingMessage, arn: string): Promise<Access> {
    const identity = identitySource(request.rawHeaders);
    if (identity === undefined) return { reply: gatewayResponse('unauthorized') };
    const outcome = await authorizer.authorize(identity, arn);
    if ('rejection' in outcome) return { reply: gatewayResponse(outcome.rejection, outcome.source) };
    const { decision, unsupported } = evaluateGatewayPolicy(outcome.result.policyDocument, arn);
    for (const statement of unsupported) warnUnsupported(logger, statement, arn);
    if (decision !== 'allow') return { reply: gatewayResponse('accessDenied', outcome.source) };
    return { context: backendContext(outcome.result), source: outcome.source };
  }

  async function integrate(route: Route, event: APIGatewayProxyEvent, source: AuthorizerUse): Promise<Reply> {
    let result: unknown;
    try {
      result = await props.handlers[route.handler](event, { awsRequestId: event.requestContext.requestId });
    } catch {
      return gatewayResponse('integrationFailure', source);
    }
    if (!isJsonObject(result) || typeof result.statusCode !== 'number')
      return gatewayResponse('integrationFailure', source);
    const body = typeof result.body === 'string' ? result.body : '';
    return {
      statusCode: result.statusCode,
      headers: headerValues(result.headers, (value) => String(value)) ?? {},
      multiValueHeaders: headerValues(result.multiValueHeaders, (values) =>
        Array.isArray(values) ? values.map(String) : [String(values)],
      ),
      body: result.isBase64Encoded === true ? Buffer.from(body, 'base64') : body,
      authorizer: source,
    };
  }

  async function handle(request: IncomingMessage, body: Buffer): Promise<Reply> {
    const target = parseRequestTarget(request.url);
    const method = request.method ?? 'GET';
    if (!target) return gatewayResponse('missingAuthenticationToken');
    if (method === 'OPTIONS') return preflight(target, request.headers.origin);
    const match = findRoute(props.routes, method, target.path);
    if (!match) return gatewayResponse('missingAuthenticationToken');

    const { route, pathParameters } = match;
    const access = isPublic(route)
      ? { context: undefined, source: 'none' as const }
      : await authorizeRequest(request, methodArn(method, target.path));
    if ('reply' in access) return access.reply;
    const event = proxyEvent({
      request,
      target,
      route,
      pathParameters,
      body,
      authorizer: access.context,
      stage: props.api.stage,
    });
    if (exceedsLambdaPayload(event)) return gatewayResponse('requestTooLarge', access.source);
    return integrate(route, event, access.source);
  }

  const server = createGatewayServer(props, logger, (request, body) =>
    body === undefined
      ? Promise.resolve(gatewayResponse('requestTooLarge'))
      : handle(request, body).catch(() => gatewayResponse('integrationFailure')),
  );
  return { listen: (port, host) => listen(server, port, host, () => authorizer.invocations) };
}

/** API Gateway's own answers (lib/contracts/gateway-responses.ts), with the static CORS headers the deployed API gives them. */
function gatewayResponses(cors: CorsPolicy | undefined): (name: GatewayResponseName, source?: AuthorizerUse) => Reply {
  const corsHeaders = cors ? gatewayResponseCorsHeaders(cors) : {};
  return (name, source = 'none') => {
    const { statusCode, body } = GATEWAY_RESPONSES[name];
    return {
      statusCode,
      headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': name, ...corsHeaders },
      body: JSON.stringify(body),
      authorizer: source,
    };
  };
}

/** The HTTP server: static pages first, then the body (`undefined` when above the limit) to `handle` (which never rejects), one log line per request. */
function createGatewayServer(
  props: LocalGatewayProps,
  logger: Logger,
  handle: (request: IncomingMessage, body: Buffer | undefined) => Promise<Reply>,
): Server {
  const server = createServer((request, response) => {
    const started = process.hrtime.bigint();
    if (props.staticRoutes?.some((serve) => serve(request, response))) return;
    const answer = (reply: Reply): void => {
      writeReply(response, reply);
      logger.log('INFO', 'request', {
        method: request.method,
        path: parseRequestTarget(request.url)?.path ?? request.url,
        status: reply.statusCode,
        authorizer: reply.authorizer,
        latencyMs: Number(process.hrtime.bigint() - started) / 1e6,
      });
    };
    // A request that fails while its body is read has lost its client: nothing to answer.
    void readBody(request, props.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES).then(
      (body) => handle(request, body).then(answer),
      () => response.destroy(),
    );
  });
  server.keepAliveTimeout = 5000;
  return server;
}

function warnUnsupported(
  logger: Logger,
  statement: ReturnType<typeof evaluateGatewayPolicy>['unsupported'][number],
  arn: string,
): void {
  logger.log('WARN', 'policy statement not evaluated', {
    reason: 'UNSUPPORTED_POLICY_STATEMENT',
    statement: statement.index,
    effect: statement.effect,
    problems: statement.problems.join(','),
    treatedAs: statement.treatedAs,
    methodArn: arn,
  });
}

/**
 * The authorizer's context as API Gateway (REST) hands it to a backend: every value a string (a
 * number `exp` arrives as `"1700000000"`, a boolean as `"true"`), plus the `principalId`.
 */
function backendContext(result: {
  readonly principalId: string;
  readonly context?: Readonly<Record<string, unknown>> | null;
}): Record<string, string> {
  const values = Object.entries(result.context ?? {}).map(([name, value]) => [name, String(value)] as const);
  return { ...Object.fromEntries(values), principalId: result.principalId };
}

/** A proxy result's header map with its values made strings; `undefined` when it has none. */
function headerValues<T>(headers: unknown, convert: (value: unknown) => T): Record<string, T> | undefined {
  if (!isJsonObject(headers)) return undefined;
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, convert(value)]));
}

function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > maxBytes ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function writeReply(response: ServerResponse, reply: Reply): void {
  if (response.headersSent) return;
  for (const [name, value] of Object.entries(reply.headers)) response.setHeader(name, value);
  for (const [name, values] of Object.entries(reply.multiValueHeaders ?? {})) response.setHeader(name, values);
  response.setHeader('X-Local-Authorizer', reply.authorizer);
  response.writeHead(reply.statusCode);
  response.end(reply.body);
}

function isAddressInfo(address: string | AddressInfo | null): address is AddressInfo {
  return typeof address === 'object' && address !== null;
}

function listen(server: Server, port: number, host: string, invocations: () => number): Promise<LocalGateway> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve({
        url: `http://${host}:${isAddressInfo(address) ? address.port : port}`,
        get authorizerInvocations() {
          return invocations();
        },
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
