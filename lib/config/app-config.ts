/**
 * The one typed configuration of the system. The CDK stacks, the authorizer, the
 * backends, the local system and the CLI all read from here; nothing else holds
 * names, precedences, lifetimes or ports.
 *
 * This module must stay free of aws-cdk-lib imports: it is bundled into Lambdas.
 */

export type Stage = 'dev' | 'prod';

export const GROUP_NAMES = ['admin-group', 'reviewers-group', 'user-group'] as const;
export type GroupName = (typeof GROUP_NAMES)[number];

export interface GroupConfig {
  readonly name: GroupName;
  /** Lower wins: decides `primaryGroup` and Cognito's `cognito:preferred_role`. */
  readonly precedence: number;
  readonly description: string;
}

export interface TokenLifetimes {
  readonly accessTokenMinutes: number;
  readonly idTokenMinutes: number;
  readonly refreshTokenDays: number;
}

export interface AuthorizerConfig {
  /** API Gateway authorizer result cache TTL (0 disables; API Gateway allows at most 3600). */
  readonly resultsCacheTtlSeconds: number;
  /** Accept ID tokens as Bearer tokens (checked by `aud`). Access tokens only by default. */
  readonly acceptIdTokens: boolean;
  /** Tolerated clock difference for `exp`, `nbf` and `iat`. */
  readonly clockSkewSeconds: number;
  /** Longest `exp − iat` accepted: Cognito issues access and ID tokens for at most one day. */
  readonly maxTokenLifetimeSeconds: number;
  /** Time allowed for one JWKS download before the request fails closed. */
  readonly jwksFetchTimeoutMs: number;
  /** After a JWKS fetch for an unknown `kid`, no further fetch for this long. */
  readonly jwksPenaltySeconds: number;
  /** Authorization header values above this size are rejected unparsed. */
  readonly maxHeaderBytes: number;
}

export interface ApiConfig {
  readonly stageName: string;
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
  /** Origins allowed by CORS on the gateway responses and preflight. */
  readonly allowedOrigins: readonly string[];
}

export interface HostedUiConfig {
  /** Cognito domain prefix: `<prefix>.auth.<region>.amazoncognito.com`. */
  readonly domainPrefix: string;
  readonly callbackUrls: readonly string[];
  readonly logoutUrls: readonly string[];
  readonly scopes: readonly string[];
}

export interface LocalConfig {
  readonly host: string;
  readonly apiPort: number;
  readonly cognitoPort: number;
  /** The local DynamoDB (dynalite). */
  readonly dynamodbPort: number;
  /** Directory for emulator state, outputs.json and logs, relative to the working directory. */
  readonly dir: string;
  /** Loopback port of `cli login --hosted`'s redirect (registered as a callback URL). */
  readonly cliCallbackPort: number;
}

export interface AppConfig {
  readonly appName: string;
  readonly stage: Stage;
  readonly env: { readonly account?: string; readonly region: string };
  readonly userPool: {
    readonly name: string;
    readonly selfSignUpEnabled: boolean;
    /** Custom attributes (string, mutable), each surfacing as `custom:<name>` in ID tokens. */
    readonly customAttributes: readonly string[];
  };
  readonly appClientName: string;
  readonly groups: readonly GroupConfig[];
  readonly tokens: TokenLifetimes;
  readonly authorizer: AuthorizerConfig;
  readonly api: ApiConfig;
  readonly hostedUi: HostedUiConfig;
  readonly local: LocalConfig;
}

const LOCAL_API_PORT = 3000;
const CLI_CALLBACK_PORT = 8765;

const baseConfig: AppConfig = {
  appName: 'CognitoJwtApi',
  stage: 'dev',
  env: { region: 'us-east-1' },
  userPool: {
    name: 'CognitoUserPool',
    selfSignUpEnabled: false,
    customAttributes: ['role'],
  },
  appClientName: 'my-app-client',
  groups: [
    { name: 'admin-group', precedence: 1, description: 'Administrators: manage users' },
    { name: 'reviewers-group', precedence: 2, description: 'Reviewers: write reviews' },
    { name: 'user-group', precedence: 3, description: 'Regular users' },
  ],
  tokens: { accessTokenMinutes: 60, idTokenMinutes: 60, refreshTokenDays: 30 },
  authorizer: {
    resultsCacheTtlSeconds: 300,
    acceptIdTokens: false,
    clockSkewSeconds: 5,
    maxTokenLifetimeSeconds: 24 * 60 * 60,
    jwksFetchTimeoutMs: 1500,
    jwksPenaltySeconds: 10,
    maxHeaderBytes: 8192,
  },
  api: {
    stageName: 'v1',
    throttlingRateLimit: 100,
    throttlingBurstLimit: 200,
    allowedOrigins: [`http://localhost:${LOCAL_API_PORT}`],
  },
  hostedUi: {
    domainPrefix: 'cognito-jwt-api-dev',
    callbackUrls: [`http://localhost:${LOCAL_API_PORT}/callback`, `http://localhost:${CLI_CALLBACK_PORT}/callback`],
    logoutUrls: [`http://localhost:${LOCAL_API_PORT}/`],
    scopes: ['openid', 'email', 'profile'],
  },
  local: { host: '127.0.0.1', apiPort: LOCAL_API_PORT, cognitoPort: 9229, dynamodbPort: 8000, dir: '.local', cliCallbackPort: CLI_CALLBACK_PORT },
};

const stageOverrides: Record<Stage, Partial<AppConfig>> = {
  dev: {},
  prod: {
    stage: 'prod',
    hostedUi: { ...baseConfig.hostedUi, domainPrefix: 'cognito-jwt-api-prod' },
  },
};

export function isStage(value: unknown): value is Stage {
  return value === 'dev' || value === 'prod';
}

/** The configuration of one stage. */
export function configFor(stage: Stage = 'dev'): AppConfig {
  return { ...baseConfig, ...stageOverrides[stage] };
}

/** Stack and resource names carry the app name and stage so stages can share an account. */
export function resourceName(config: AppConfig, name: string): string {
  return `${config.appName}-${config.stage}-${name}`;
}

/** Groups ordered by precedence (lowest number first). */
export function groupsByPrecedence(config: AppConfig): readonly GroupConfig[] {
  return [...config.groups].sort((a, b) => a.precedence - b.precedence);
}
