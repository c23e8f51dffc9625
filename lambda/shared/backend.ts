/**
 * Every backend Lambda is made here, the way the authorizer is made by `createAuthorizer`:
 * its environment is read and validated once per cold start, and each request gets a logger
 * that stamps the Lambda request id on every line. A missing or bad variable does not crash
 * the init (Lambda would retry it on every request and API Gateway would answer a bare 502):
 * every request is answered 500 and logged with reason CONFIG_ERROR and the variable's name.
 * Every answer carries the CORS headers for the request's Origin (lib/config/cors.ts): API Gateway
 * adds none to a proxy integration's answer, so a browser app reads only what the backend allows.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { responseCorsHeaders } from '../../lib/config/cors';
import { ENV, type RuntimeEnv } from '../../lib/config/runtime-env';
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
}

const INTERNAL_ERROR = { message: 'Internal server error' };

export function createBackend<Deps>(definition: BackendDefinition<Deps>, options: BackendOptions = {}): BackendHandler {
  const logger = createLogger(definition.service, options.logSink);
  const env = options.env ?? process.env;
  const allowedOrigins = (env[ENV.allowedOrigins] ?? '').split(',').filter(Boolean);
  let deps: Deps | undefined;
  let configError: string | undefined;
  try {
    deps = definition.init(env, logger);
  } catch (error) {
    configError = error instanceof Error ? error.message : String(error);
  }

  const answer = async (event: APIGatewayProxyEvent, scope: RequestScope): Promise<ProxyResult> => {
    if (deps === undefined) {
      scope.logger.log('ERROR', 'configuration error', { reason: 'CONFIG_ERROR', detail: configError });
      return json(500, INTERNAL_ERROR);
    }
    try {
      return await definition.handle(event, deps, scope);
    } catch (error) {
      // Bad input is answered by the handlers; reaching this is a bug or a failed dependency.
      scope.logger.log('ERROR', 'unhandled error', { reason: 'INTERNAL_ERROR', error: error instanceof Error ? error.name : 'Unknown' });
      return json(500, INTERNAL_ERROR);
    }
  };

  return async (event, context) => {
    const scope = { logger: logger.withFields({ requestId: context?.awsRequestId ?? event.requestContext?.requestId }) };
    const result = await answer(event, scope);
    return { ...result, headers: { ...result.headers, ...responseCorsHeaders(allowedOrigins, headerValue(event, 'origin')) } };
  };
}
