/**
 * How large the authorizer's answer can get. API Gateway documents an 8 KB limit on a Lambda
 * authorizer's result (the WebSocket API quotas, "AWS Lambda authorizer result size: 8 KB", not
 * adjustable); the REST API quotas name none for it. We hold REST to the documented number: the
 * policy document may use it all but a reserve for the principal id and the context.
 *
 * Every protected route appears in at most one statement of a caller's policy (allowed, or denied
 * because an allowed wildcard would cover it), so the largest policy of any group set is at most
 * the policy that lists every protected route once, in two statements: that bound is checked at
 * synth, for the longest ARN prefix the API could have.
 *
 * Must stay free of aws-cdk-lib imports.
 */
import { isPublic, routeResource, type RouteAccess } from './access-map';

/** "AWS Lambda authorizer result size", API Gateway quotas (WebSocket APIs), bytes. */
export const AUTHORIZER_RESULT_MAX_BYTES = 8 * 1024;
/** Kept for `principalId` (a `sub`) and the context (ids, username, groups, exp): well above a real token's. */
export const AUTHORIZER_CONTEXT_RESERVE_BYTES = 1024;
export const POLICY_MAX_BYTES = AUTHORIZER_RESULT_MAX_BYTES - AUTHORIZER_CONTEXT_RESERVE_BYTES;

/** The longest method-ARN prefix of a stage: the longest partition and region names, a 10-character API id. */
export function longestApiPrefix(stageName: string): string {
  return `arn:aws-us-gov:execute-api:ap-southeast-5:123456789012:abcdefghij/${stageName}`;
}

/** At least as many bytes as the JSON of any policy the authorizer can answer with for these routes. */
export function policyBytesBound(routes: readonly RouteAccess[], apiPrefix: string): number {
  const resources = routes.filter((route) => !isPublic(route)).map((route) => routeResource(apiPrefix, route));
  const statement = (effect: string, list: string[]) => ({
    Action: 'execute-api:Invoke',
    Effect: effect,
    Resource: list,
  });
  // Both statements, each with one placeholder so an empty list still counts its brackets.
  return Buffer.byteLength(
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [statement('Allow', resources), statement('Deny', [`${apiPrefix}/*`])],
    }),
  );
}
