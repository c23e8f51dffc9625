/**
 * The authorizer: parse → verify → revocation check → decide → answer, one decision log line per call.
 * Any failure is a 401 (API Gateway turns exactly `Error("Unauthorized")` into 401; every
 * other error would be a 500), so nothing here can answer with an internal error or allow
 * by mistake.
 */
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { createLogger, type LogSink } from '../shared/logger';
import { createDecisionLog } from './decision-log';
import { parseAuthorizationHeader } from '../token/parse';
import { createPolicyBuilder, parseMethodArn, type MethodArnParts } from './policy';
import { TokenRejectedError } from '../token/reasons';
import { createRevocationFeed } from '../revocation/feed';
import { createRevocationLookup } from '../revocation/point-read';
import { createRevocationCheck, type RevocationCheck, type RevocationVerdict } from '../revocation/check';
import { settingsFromEnv, type AuthorizerSettings, type RevocationCheckSettings } from './settings';
import type { RuntimeEnv } from '../../lib/contracts/runtime-env';
import { createTokenVerifier, type VerifiedClaims } from '../token/verify';

/**
 * What the authorizer reads from the Lambda context: the request id, for the log lines. Optional:
 * callers that are not the Lambda runtime (the local gateway, tests) may leave it out.
 */
export interface InvocationContext {
  readonly awsRequestId?: string;
}

export type AuthorizerHandler = ((
  event: APIGatewayTokenAuthorizerEvent,
  context?: InvocationContext,
) => Promise<APIGatewayAuthorizerResult>) & {
  /** Fetches the JWKS ahead of the first request; rejects if the fetch fails. */
  hydrate(): Promise<void>;
  /**
   * Starts that fetch and resolves when it has ended (the Lambda entry calls it during Init and does
   * not wait). Never rejects: a failed download is logged (`JWKS_PREFETCH_FAILED`) and the first
   * request fetches again.
   */
  prefetch(): Promise<void>;
};

export interface AuthorizerOptions {
  readonly logSink?: LogSink;
  /** The revocation check's clock, epoch milliseconds (tests move it instead of waiting). @default Date.now */
  readonly now?: () => number;
}

export function createAuthorizer(settings: AuthorizerSettings, options: AuthorizerOptions = {}): AuthorizerHandler {
  const log = createDecisionLog(options.logSink);
  const verifier = createTokenVerifier(settings);
  const policies = createPolicyBuilder(settings.routes, settings.groupPrecedence);
  const revocations = settings.revocation && revocationCheck(settings.revocation, options.now);

  /** After the checks: the policy for the caller's groups, the decision line, the answer. */
  const answer = (
    claims: VerifiedClaims,
    methodArn: string,
    target: MethodArnParts,
    requestId: string | undefined,
    verdict: RevocationVerdict,
  ): APIGatewayAuthorizerResult => {
    const policy = claims.machine
      ? policies.machinePolicyFor(target.apiPrefix, claims.scopes)
      : policies.policyFor(target.apiPrefix, claims.groups);
    const groups = joinGroups(claims.groups);
    const scopes = claims.scopes.join(' ');
    log.decided({
      allowed: policy.decide(methodArn) === 'allow',
      unchecked: verdict === 'unchecked',
      sub: claims.sub,
      groups,
      route: routeOf(target),
      requestId,
      machine: claims.machine ? { clientId: claims.clientId, scopes } : undefined,
    });
    return {
      principalId: claims.sub,
      policyDocument: policy.document,
      context: contextFor(claims, groups, scopes, settings.groupPrecedence),
    };
  };
  /** Any failure: logged with its reason, answered with exactly `Error("Unauthorized")`. */
  const unauthorized = (error: unknown, target: MethodArnParts | undefined, requestId: string | undefined): Error => {
    const rejection =
      error instanceof TokenRejectedError
        ? error
        : new TokenRejectedError('INTERNAL_ERROR', describe(error), { cause: error });
    log.unauthorized({
      reason: rejection.reason,
      detail: rejection.message,
      route: target && routeOf(target),
      requestId,
    });
    return new Error('Unauthorized');
  };

  // Every failure is a rejection with exactly `Error("Unauthorized")`.
  const handler = async (
    event: APIGatewayTokenAuthorizerEvent,
    context?: InvocationContext,
  ): Promise<APIGatewayAuthorizerResult> => {
    let target: MethodArnParts | undefined;
    let requestId: string | undefined;
    try {
      requestId = context?.awsRequestId;
      target = parseMethodArn(event?.methodArn);
      if (!target) throw new TokenRejectedError('INTERNAL_ERROR', 'Event has no valid methodArn');
      const claims = await verifier.verify(parseAuthorizationHeader(event.authorizationToken, settings.maxHeaderBytes));
      const verdict = revocations ? await revocations.check(claims) : 'current';
      return answer(claims, event.methodArn, target, requestId, verdict);
    } catch (error) {
      throw unauthorized(error, target, requestId);
    }
  };
  const hydrate = () => verifier.hydrate();
  const logger = createLogger('authorizer', options.logSink);
  const prefetch = () => {
    const download = hydrate().catch((error: unknown) => {
      logger.log('WARN', 'JWKS prefetch failed', {
        reason: 'JWKS_PREFETCH_FAILED',
        detail: describe(error).slice(0, 200),
      });
    });
    // After the download's connection is opened, while it waits on the network: see warmUp.
    setImmediate(() => warmUp(settings));
    return download;
  };
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
  const handler = (
    _event: APIGatewayTokenAuthorizerEvent,
    context?: InvocationContext,
  ): Promise<APIGatewayAuthorizerResult> => {
    log.unauthorized({
      reason: 'CONFIG_ERROR',
      detail: describe(configError),
      route: undefined,
      requestId: context?.awsRequestId,
    });
    return Promise.reject(new Error('Unauthorized'));
  };
  const nothingToFetch = () => Promise.resolve();
  return Object.assign(handler, { hydrate: nothingToFetch, prefetch: nothingToFetch });
}

const WARM_UP_ARN = 'arn:aws:execute-api:warm-up:000000000000:warm-up/warm-up/GET/warm-up';

/**
 * Runs the code of a decision once on placeholders, into throw-away objects: V8 compiles each
 * function and regular expression on first use, which the first request's decision would otherwise
 * pay for (the policy build and its self-check, the decision line: bench/README.md). Run while the JWKS
 * download started at Init waits on the network, it costs the caller no time. Nothing is cached,
 * logged or returned; a failure here changes nothing.
 */
function warmUp(settings: AuthorizerSettings): void {
  try {
    const target = parseMethodArn(WARM_UP_ARN);
    if (!target) return;
    const policy = createPolicyBuilder(settings.routes, settings.groupPrecedence).policyFor(
      target.apiPrefix,
      settings.groupPrecedence.slice(0, 1),
    );
    createDecisionLog(() => undefined).decided({
      allowed: policy.decide(WARM_UP_ARN) === 'allow',
      sub: 'warm-up',
      groups: joinGroups(settings.groupPrecedence),
      route: routeOf(target),
      requestId: 'warm-up',
    });
  } catch {
    // Only the first request's speed depended on it.
  }
}

/** The check against the revocation store: the feed index for its copy, the token's own items for a cold instance's first decision. */
function revocationCheck(settings: RevocationCheckSettings, now: (() => number) | undefined): RevocationCheck {
  const reads = { tableName: settings.tableName, env: settings.env, timeoutMs: settings.readTimeoutMs };
  const store = { ...createRevocationFeed(reads), ...createRevocationLookup(reads) };
  return createRevocationCheck(settings, store, now);
}

/**
 * Context values must be strings, numbers or booleans: groups are comma-joined, a machine token's
 * scopes space-joined (empty for people). `exp` lets every backend refuse a request that arrives,
 * through a cached Allow, after the token has expired.
 */
function contextFor(
  claims: VerifiedClaims,
  groups: string,
  scopes: string,
  groupPrecedence: readonly string[],
): Record<string, string | number> {
  return {
    sub: claims.sub,
    username: claims.username,
    groups,
    primaryGroup: primaryGroup(claims.groups, groupPrecedence),
    clientId: claims.clientId,
    scopes,
    tokenUse: claims.tokenUse,
    exp: claims.expiresAt,
  };
}

/** Token order is not a promise; configured precedence is. */
function primaryGroup(groups: readonly string[], groupPrecedence: readonly string[]): string {
  for (let index = 0; index < groupPrecedence.length; index++)
    if (groups.includes(groupPrecedence[index])) return groupPrecedence[index];
  return '';
}

const routeOf = (target: MethodArnParts): string => `${target.method} ${target.path}`;

/** Comma-joined for the context and the log line; most callers are in one group (or none), which needs no new string. */
const joinGroups = (groups: readonly string[]): string =>
  groups.length === 0 ? '' : groups.length === 1 ? groups[0] : groups.join(',');

function describe(error: unknown): string {
  return error instanceof Error ? error.message : 'Unknown error';
}
