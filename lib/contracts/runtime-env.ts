/**
 * The environment contract between the CDK stacks (which set these variables on each
 * Lambda), the local system (which sets them to point at the emulator) and the Lambdas
 * (which read them once per cold start). Both sides build the values with
 * function-environment.ts, so a construct's own config and routes reach its Lambdas.
 *
 * Must stay free of aws-cdk-lib imports: it is bundled into Lambdas.
 */

export const ENV = {
  /**
   * The authorizer's routes, group precedence and verification limits, as one JSON object
   * (AuthorizerRuntimeConfig in function-environment.ts), validated once at cold start. Deployed
   * functions carry it in their code instead (authorizer-config.ts › BUNDLED_AUTHORIZER_CONFIG).
   */
  authorizerConfig: 'AUTHORIZER_CONFIG',
  userPoolId: 'USER_POOL_ID',
  userPoolClientId: 'USER_POOL_CLIENT_ID',
  /** Comma-separated ids of the machine clients (client-credentials grant) whose tokens the authorizer accepts. */
  machineClientIds: 'MACHINE_CLIENT_IDS',
  /** Set by Lambda itself. */
  region: 'AWS_REGION',
  /** Local only: the emulator's issuer. Accepted only for a loopback host. */
  issuerOverride: 'JWT_ISSUER',
  /** Local only: the emulator's JWKS URI. Accepted only for a loopback host. */
  jwksUriOverride: 'JWKS_URI',
  /** Local only: the emulator's Cognito API endpoint. Accepted only for a loopback host. */
  cognitoEndpoint: 'COGNITO_ENDPOINT',
  /** The Hosted UI token endpoint (`https://<domain>/oauth2/token`, or the emulator's). */
  tokenEndpoint: 'TOKEN_ENDPOINT',
  /** Comma-separated redirect URIs `/auth/token` accepts (the client's callback URLs). */
  callbackUrls: 'CALLBACK_URLS',
  /** The refresh token lifetime in days: the Max-Age of the refresh cookie `/auth/token` sets. */
  refreshTokenDays: 'REFRESH_TOKEN_DAYS',
  /**
   * Comma-separated origins whose browser apps may read the backends' answers (lib/contracts/cors.ts).
   * Unset: no CORS headers (same-origin callers only).
   */
  allowedOrigins: 'ALLOWED_ORIGINS',
  /** The reviews table (lib/contracts/tables.ts), set on the functions its definition grants access to. */
  reviewsTable: 'REVIEWS_TABLE_NAME',
  /** The revocation store (lib/contracts/tables.ts): read by the authorizer, written by logout and user deletion. */
  revocationsTable: 'REVOCATIONS_TABLE_NAME',
  /**
   * How long a session revocation is kept, in seconds: the longest lifetime of a token it may
   * cover, plus the clock skew (lib/contracts/revocation-items.ts). Set on the functions that record revocations.
   */
  revocationRetentionSeconds: 'REVOCATION_RETENTION_SECONDS',
  /**
   * How long a user's cut-off is kept, in seconds: the refresh-token lifetime plus the clock skew
   * (it also refuses refresh tokens). Set on the functions that record revocations.
   */
  revocationUserRetentionSeconds: 'REVOCATION_USER_RETENTION_SECONDS',
  /**
   * The clock skew the authorizer tolerates, in seconds: every backend rejects a request whose
   * token (`exp` in the authorizer's context) has expired by more than this.
   */
  clockSkewSeconds: 'CLOCK_SKEW_SECONDS',
  /** Local only: the local DynamoDB's endpoint (dynalite). Accepted only for a loopback host. */
  dynamodbEndpoint: 'DYNAMODB_ENDPOINT',
} as const;

export type RuntimeEnv = Readonly<Record<string, string | undefined>>;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** True for http(s) URLs whose host is on this machine (127.0.0.0/8, localhost, ::1). */
export function isLoopbackUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return LOOPBACK_HOSTS.has(url.hostname) || /^127(\.\d{1,3}){3}$/.test(url.hostname);
}

/** Reads a required variable, failing with a message that names it. */
export function requireEnv(env: RuntimeEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}

/** Reads an override that may only point at this machine, so a stray variable cannot redirect trust. */
export function loopbackOverride(env: RuntimeEnv, name: string): string | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (!isLoopbackUrl(value)) {
    throw new Error(`${name} must be a loopback URL (127.0.0.1, localhost or ::1); got a non-local value`);
  }
  return value;
}

/** The issuer of a real Cognito user pool. */
export function cognitoIssuer(region: string, userPoolId: string): string {
  return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
}

export function jwksUriFor(issuer: string): string {
  return `${issuer}/.well-known/jwks.json`;
}
