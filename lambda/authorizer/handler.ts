/**
 * The authorizer: parse → verify → decide → answer, one decision log line per call.
 * Any failure is a 401 (API Gateway turns exactly `Error("Unauthorized")` into 401; every
 * other error would be a 500), so nothing here can answer with an internal error or allow
 * by mistake.
 */
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { createLogger, type LogSink } from '../shared/logger';
import { createDecisionLog } from './decision-log';
import { evaluatePolicy } from './iam-policy';
import { parseAuthorizationHeader } from './parse';
import { createPolicyBuilder, parseMethodArn } from './policy';
import { TokenRejectedError } from './reasons';
import { settingsFromEnv, type AuthorizerSettings } from './settings';
import type { RuntimeEnv } from '../../lib/config/runtime-env';
import { createTokenVerifier, type VerifiedClaims } from './verify';

/**
 * What the authorizer reads from the Lambda context: the request id, for the log lines. Optional:
 * callers that are not the Lambda runtime (the local gateway, tests) may leave it out.
 */
export interface InvocationContext {
  readonly awsRequestId?: string;
}

export type AuthorizerHandler = ((event: APIGatewayTokenAuthorizerEvent, context?: InvocationContext) => Promise<APIGatewayAuthorizerResult>) & {
  /** Fetches the JWKS ahead of the first request; rejects if the fetch fails. */
  hydrate(): Promise<void>;
  /**
   * Starts that fetch and returns at once (the Lambda entry calls it during Init). Never rejects:
   * a failure is logged (`JWKS_PREFETCH_FAILED`) and the first request fetches again.
   */
  prefetch(): Promise<void>;
};

export interface AuthorizerOptions {
  readonly logSink?: LogSink;
}

export function createAuthorizer(settings: AuthorizerSettings, options: AuthorizerOptions = {}): AuthorizerHandler {
  const log = createDecisionLog(options.logSink);
  const verifier = createTokenVerifier(settings);
  const policies = createPolicyBuilder(settings.routes, settings.groupPrecedence);

  const handler = async (event: APIGatewayTokenAuthorizerEvent, context?: InvocationContext): Promise<APIGatewayAuthorizerResult> => {
    const requestId = context?.awsRequestId;
    const target = parseMethodArn(event?.methodArn);
    const route = target && `${target.method} ${target.path}`;
    try {
      if (!target || route === undefined) throw new TokenRejectedError('INTERNAL_ERROR', 'Event has no valid methodArn');
      const token = parseAuthorizationHeader(event.authorizationToken, settings.maxHeaderBytes);
      const verified = verifier.verify(token);
      const claims = verified instanceof Promise ? await verified : verified;
      const policyDocument = policies.policyFor(target.apiPrefix, claims.groups);
      const groups = claims.groups.join(',');
      log.decided(evaluatePolicy(policyDocument, event.methodArn) === 'allow', claims.sub, groups, route, requestId);
      return { principalId: claims.sub, policyDocument, context: contextFor(claims, groups, settings.groupPrecedence) };
    } catch (error) {
      const rejection = error instanceof TokenRejectedError ? error : new TokenRejectedError('INTERNAL_ERROR', describe(error), { cause: error });
      log.unauthorized(rejection.reason, rejection.message, route, requestId);
      throw new Error('Unauthorized');
    }
  };
  const hydrate = () => verifier.hydrate();
  const logger = createLogger('authorizer', options.logSink);
  const prefetch = () =>
    hydrate().catch((error: unknown) => {
      logger.log('WARN', 'JWKS prefetch failed', { reason: 'JWKS_PREFETCH_FAILED', detail: describe(error).slice(0, 200) });
    });
  return Object.assign(handler, { hydrate, prefetch });
}

/**
 * The authorizer the Lambda runs, configured from its environment. A configuration error must
 * not become an init failure (API Gateway would answer 500), so it yields an authorizer that
 * rejects every request with reason CONFIG_ERROR.
 */
export function createAuthorizerFromEnv(env: RuntimeEnv, options: AuthorizerOptions = {}): AuthorizerHandler {
  try {
    return createAuthorizer(settingsFromEnv(env), options);
  } catch (error) {
    return createFailClosedAuthorizer(error, options);
  }
}

/** An authorizer whose configuration could not be read: rejects everything, with a reason in the log. */
export function createFailClosedAuthorizer(configError: unknown, options: AuthorizerOptions = {}): AuthorizerHandler {
  const log = createDecisionLog(options.logSink);
  const handler = async (_event: APIGatewayTokenAuthorizerEvent, context?: InvocationContext): Promise<APIGatewayAuthorizerResult> => {
    log.unauthorized('CONFIG_ERROR', describe(configError), undefined, context?.awsRequestId);
    throw new Error('Unauthorized');
  };
  return Object.assign(handler, { hydrate: async () => undefined, prefetch: async () => undefined });
}

/** Context values must be strings, numbers or booleans: groups are comma-joined. */
function contextFor(claims: VerifiedClaims, groups: string, groupPrecedence: readonly string[]): Record<string, string> {
  return {
    sub: claims.sub,
    username: claims.username,
    groups,
    primaryGroup: primaryGroup(claims.groups, groupPrecedence),
    clientId: claims.clientId,
    tokenUse: claims.tokenUse,
  };
}

/** Token order is not a promise; configured precedence is. */
function primaryGroup(groups: readonly string[], groupPrecedence: readonly string[]): string {
  for (const group of groupPrecedence) if (groups.includes(group)) return group;
  return '';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : 'Unknown error';
}
