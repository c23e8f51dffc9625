/**
 * Every backend Lambda is made here, the way the authorizer is made by `createAuthorizer`:
 * its environment is read and validated once per cold start, and each request gets a logger
 * that stamps the Lambda request id on every line. A missing or bad variable does not crash
 * the init (Lambda would retry it on every request and API Gateway would answer a bare 502):
 * every request is answered 500 and logged with reason CONFIG_ERROR and the variable's name.
 * Every answer carries the CORS headers for the request's Origin (lib/contracts/cors.ts): API Gateway
 * adds none to a proxy integration's answer, so a browser app reads only what the backend allows.
 * Expiry means expiry: API Gateway may answer from an Allow it cached before the token expired, so
 * a request whose token `exp` (in the authorizer's context) lies more than the authorizer's clock
 * skew in the past is answered 401 with the gateway's own body, before the handler sees it.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { responseCorsHeaders } from '../../lib/contracts/cors';
import { GATEWAY_RESPONSES } from '../../lib/contracts/gateway-responses';
import { ENV, type RuntimeEnv } from '../../lib/contracts/runtime-env';
import { headerValue, json, type ProxyResult } from './http';
import { createLogger, type Logger, type LogSink } from './logger';

/** What Lambda passes besides the event (only what backends use). */
export interface InvocationContext {
  readonly awsRequestId: string;
}

export type BackendHandler = (event: APIGatewayProxyEvent, context?: InvocationContext) => Promise<ProxyResult>;

/** Per request: a logger bound to the request id. */
export interface RequestScope {
  readonly logger: Logger;
}

export interface BackendDefinition<Deps> {
  /** The `service` field of its log lines. */
  readonly service: string;
  /** Reads the environment once per cold start; throws an Error naming what is missing or wrong. */
  init(env: RuntimeEnv, logger: Logger): Deps;
  handle(event: APIGatewayProxyEvent, deps: Deps, scope: RequestScope): Promise<ProxyResult>;
}

export interface BackendOptions {
  /** @default process.env */
  readonly env?: RuntimeEnv;
  /** @default stdout */
  readonly logSink?: LogSink;
  /** The clock the token's expiry is checked against, epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

const INTERNAL_ERROR = { message: 'Internal server error' };
const { unauthorized: UNAUTHORIZED } = GATEWAY_RESPONSES;
/** API Gateway hands context values to the backend as strings; a local caller may pass the number. */
const EPOCH_SECONDS = /^\d{1,12}$/;

/** The tolerated clock skew from CLOCK_SKEW_SECONDS; unset is 0 (the strictest reading of `exp`). */
function clockSkewSeconds(env: RuntimeEnv): number {
  const raw = env[ENV.clockSkewSeconds];
  if (raw === undefined || raw === '') return 0;
  const seconds = Number(raw);
  if (!Number.isSafeInteger(seconds) || seconds < 0)
    throw new Error(`Environment variable ${ENV.clockSkewSeconds} must be a whole number of seconds, 0 or more`);
  return seconds;
}

/**
 * Whether the authorizer's context says the token has expired: `exp` present and more than the skew
 * past, or not a time at all. A context without `exp` (an answer cached from an authorizer that did
 * not send it) lives at most the cache TTL and is let through.
 */
function tokenExpired(event: APIGatewayProxyEvent, nowMs: number, skewSeconds: number): boolean {
  const exp: unknown = event.requestContext?.authorizer?.exp;
  if (exp === undefined || exp === null) return false;
  const text = typeof exp === 'number' ? String(exp) : exp;
  if (typeof text !== 'string' || !EPOCH_SECONDS.test(text)) return true;
  return nowMs / 1000 > Number(text) + skewSeconds;
}

export function createBackend<Deps>(definition: BackendDefinition<Deps>, options: BackendOptions = {}): BackendHandler {
  const logger = createLogger(definition.service, options.logSink);
  const env = options.env ?? process.env;
  const allowedOrigins = (env[ENV.allowedOrigins] ?? '').split(',').filter(Boolean);
  const now = options.now ?? Date.now;
  let deps: Deps | undefined;
  let skewSeconds = 0;
  let configError: string | undefined;
  try {
    skewSeconds = clockSkewSeconds(env);
    deps = definition.init(env, logger);
  } catch (error) {
    configError = error instanceof Error ? error.message : String(error);
  }

  const answer = async (event: APIGatewayProxyEvent, scope: RequestScope): Promise<ProxyResult> => {
    if (deps === undefined) {
      scope.logger.log('ERROR', 'configuration error', { reason: 'CONFIG_ERROR', detail: configError });
      return json(500, INTERNAL_ERROR);
    }
    if (tokenExpired(event, now(), skewSeconds)) {
      scope.logger.log('WARN', 'token expired', { reason: 'TOKEN_EXPIRED' });
      return json(UNAUTHORIZED.statusCode, UNAUTHORIZED.body);
    }
    try {
      return await definition.handle(event, deps, scope);
    } catch (error) {
      // Bad input is answered by the handlers; reaching this is a bug or a failed dependency.
      scope.logger.log('ERROR', 'unhandled error', {
        reason: 'INTERNAL_ERROR',
        error: error instanceof Error ? error.name : 'Unknown',
      });
      return json(500, INTERNAL_ERROR);
    }
  };

  return async (event, context) => {
    const scope = {
      logger: logger.withFields({ requestId: context?.awsRequestId ?? event.requestContext?.requestId }),
    };
    const result = await answer(event, scope);
    return {
      ...result,
      headers: { ...result.headers, ...responseCorsHeaders(allowedOrigins, headerValue(event, 'origin')) },
    };
  };
}
