/**
 * Bodies of the responses API Gateway itself produces (not the backends). The API construct
 * configures them as gateway responses; the local gateway answers with the same ones.
 *
 * Must stay free of aws-cdk-lib imports.
 */

export const GATEWAY_RESPONSES = {
  /** Missing/invalid token: the authorizer threw `Unauthorized`, or no identity source. */
  unauthorized: { statusCode: 401, body: { message: 'Unauthorized' } },
  /** Valid token, but the policy does not allow the route. */
  accessDenied: { statusCode: 403, body: { message: 'Forbidden' } },
  /** No such resource/method: REST APIs answer 403, as for a missing token. */
  missingAuthenticationToken: { statusCode: 403, body: { message: 'Missing Authentication Token' } },
  /** The authorizer failed or answered something malformed. */
  authorizerFailure: { statusCode: 500, body: { message: 'Internal server error' } },
  /** The backend Lambda failed or answered something malformed. */
  integrationFailure: { statusCode: 502, body: { message: 'Internal server error' } },
  /** Request body larger than the gateway accepts. */
  requestTooLarge: { statusCode: 413, body: { message: 'Request Too Long' } },
} as const;

export type GatewayResponseName = keyof typeof GATEWAY_RESPONSES;
