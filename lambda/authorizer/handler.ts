/**
 * The authorizer: parse → verify → decide → answer, one decision log line per call.
 * Any failure is a 401 (API Gateway turns exactly `Error("Unauthorized")` into 401; every
 * other error would be a 500), so nothing here can answer with an internal error or allow
 * by mistake.
 */
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { createLogger, type Logger, type LogSink } from '../shared/logger';
import { evaluatePolicy } from './iam-policy';
import { parseAuthorizationHeader } from './parse';
import { createPolicyBuilder, parseMethodArn } from './policy';
import { TokenRejectedError, type RejectionReason } from './reasons';
import type { AuthorizerSettings } from './settings';
import { createTokenVerifier, type VerifiedClaims } from './verify';

export type AuthorizerHandler = ((event: APIGatewayTokenAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>) & {
  /** Optional warm-up: fetch the JWKS before the first request. */
  hydrate(): Promise<void>;
};

export interface AuthorizerOptions {
  readonly logSink?: LogSink;
}

const MAX_DETAIL = 200;

export function createAuthorizer(settings: AuthorizerSettings, options: AuthorizerOptions = {}): AuthorizerHandler {
  const logger = createLogger('authorizer', options.logSink);
  const verifier = createTokenVerifier(settings);
  const policies = createPolicyBuilder(settings.routes, settings.groupPrecedence);

  const handler = async (event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const target = parseMethodArn(event?.methodArn);
    try {
      if (!target) throw new TokenRejectedError('INTERNAL_ERROR', 'Event has no valid methodArn');
      const token = parseAuthorizationHeader(event.authorizationToken, settings.maxHeaderBytes);
      const verified = verifier.verify(token);
      const claims = verified instanceof Promise ? await verified : verified;
      const policyDocument = policies.policyFor(target.apiPrefix, claims.groups);
      const allowed = evaluatePolicy(policyDocument, event.methodArn) === 'allow';
      const groups = claims.groups.join(',');
      logger.log('INFO', 'authorization decision', {
        decision: allowed ? 'allow' : 'deny',
        reason: allowed ? 'ALLOWED' : 'GROUP_NOT_ALLOWED',
        sub: claims.sub,
        groups,
        route: `${target.method} ${target.path}`,
      });
      return {
        principalId: claims.sub,
        policyDocument,
        context: contextFor(claims, groups, settings.groupPrecedence),
      };
    } catch (error) {
      const rejection = error instanceof TokenRejectedError ? error : new TokenRejectedError('INTERNAL_ERROR', describe(error));
      logRejection(logger, rejection.reason, rejection.message, target && `${target.method} ${target.path}`);
      throw new Error('Unauthorized');
    }
  };
  return Object.assign(handler, { hydrate: () => verifier.hydrate() });
}

/** An authorizer whose configuration could not be read: rejects everything, with a reason in the log. */
export function createFailClosedAuthorizer(configError: unknown, options: AuthorizerOptions = {}): AuthorizerHandler {
  const logger = createLogger('authorizer', options.logSink);
  const handler = async (): Promise<APIGatewayAuthorizerResult> => {
    logRejection(logger, 'CONFIG_ERROR', describe(configError));
    throw new Error('Unauthorized');
  };
  return Object.assign(handler, { hydrate: async () => undefined });
}

/** Context values must be strings, numbers or booleans: groups are comma-joined. */
function contextFor(claims: VerifiedClaims, groups: string, groupPrecedence: readonly string[]): Record<string, string> {
  return {
    sub: claims.sub,
    username: claims.username,
    groups,
    // Token order is not a promise; configured precedence is.
    primaryGroup: groupPrecedence.find((group) => claims.groups.includes(group)) ?? '',
    clientId: claims.clientId,
    tokenUse: claims.tokenUse,
  };
}

function logRejection(logger: Logger, reason: RejectionReason, detail: string, route?: string): void {
  const level = reason === 'INTERNAL_ERROR' || reason === 'CONFIG_ERROR' ? 'ERROR' : 'WARN';
  logger.log(level, 'authorization decision', {
    decision: 'unauthorized',
    reason,
    detail: detail.slice(0, MAX_DETAIL),
    route,
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : 'Unknown error';
}
