/**
 * The one typed configuration of the system. The CDK stacks, the local system and the CLI
 * read from here; the Lambdas get their part through their environment (runtime-env.ts), so a
 * construct built with its own config or routes yields Lambdas that enforce exactly those.
 * Nothing else holds names, precedences, lifetimes or ports. Validated by validation.ts.
 *
 * This module must stay free of aws-cdk-lib imports: it is bundled into Lambdas.
 */
import type { VerificationLimits } from '../contracts/authorizer-config';
import type { GroupName } from '../contracts/groups';

/**
 * A stage name: `dev` (localhost defaults, destroyable) or any other name of lowercase letters and
 * digits (e.g. `prod`, `staging`), which must be given its own URLs (lib/config/stage-context.ts).
 */
export type Stage = string;

export const DEV_STAGE = 'dev';
/** Lowercase letter first, then lowercase letters or digits; short enough for stack names and the domain prefix. */
export const STAGE_PATTERN = /^[a-z][a-z0-9]{0,15}$/;

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

/** The authorizer part of the config: what API Gateway uses (its cache TTL) and the authorizer's limits. */
export interface AuthorizerConfig extends VerificationLimits {
  /**
   * API Gateway authorizer result cache TTL (0 disables; API Gateway allows at most 3600). Part of
   * how long a revoked token can still pass (lib/config/revocation-retention.ts): a cached Allow outlives a
   * revocation by up to this long.
   */
  readonly resultsCacheTtlSeconds: number;
}

/**
 * Sign-out and revocation that take effect: the authorizer checks every verified token against the
 * revocation store (a DynamoDB table, lib/contracts/tables.ts). Each warm authorizer keeps the live
 * revocations in memory and pulls what is new with one Query every `refreshSeconds`, so store reads
 * grow with warm instances, not with requests.
 */
export interface RevocationConfig {
  /**
   * Check verified tokens against the store. Off: a revoked (logged-out, signed-out, deleted)
   * user's access token passes until its `exp` (up to the access token lifetime); logout then only
   * revokes the refresh token.
   */
  readonly enabled: boolean;
  /** How often each warm authorizer pulls new revocations (1–300 s): part of the bound. */
  readonly refreshSeconds: number;
  /** Time allowed for one read of the store (10–5000 ms) before the decision fails closed (or open, see `failOpen`). */
  readonly readTimeoutMs: number;
  /**
   * When the store cannot be read in time: false rejects the token (401, `REVOCATION_UNAVAILABLE`);
   * true lets a verified token pass unchecked (a WARN line says so).
   */
  readonly failOpen: boolean;
}

/** A throttle of its own for one route (API Gateway method throttling), instead of the stage-wide one. */
export interface MethodThrottle {
  /** The route's HTTP method, e.g. `POST`. */
  readonly method: string;
  /** A path of the access map, e.g. `/auth/login`. */
  readonly path: string;
  /** Steady requests per second, across all callers. */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * The AWS WAF web ACL on the API stage (stages with `hardening.waf`): a rate-based rule per source IP
 * on `/auth/*` (password guessing, token farming), and AWS's IP reputation list.
 */
export interface WafConfig {
  /** Requests one source IP may send to `/auth/*` per window before WAF blocks it (AWS WAF: at least 10). */
  readonly authRateLimit: number;
  /** The window WAF counts over: 60, 120, 300 or 600 seconds. */
  readonly evaluationWindowSeconds: number;
}

export interface ApiConfig {
  readonly stageName: string;
  /** Stage-wide steady rate (requests per second, all callers together) for every method without its own throttle. */
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
  /** Routes with a throttle of their own (lower than the stage's, e.g. `/auth/login`). */
  readonly methodThrottling: readonly MethodThrottle[];
  readonly waf: WafConfig;
  /** Origins allowed by CORS on the gateway responses and preflight. */
  readonly allowedOrigins: readonly string[];
}

export interface HostedUiConfig {
  /**
   * Cognito domain prefix: `<prefix>.auth.<region>.amazoncognito.com`.
   * @default `<app>-<stage>-<account>` without reserved words (lib/config/domain-prefix.ts)
   */
  readonly domainPrefix?: string;
  readonly callbackUrls: readonly string[];
  readonly logoutUrls: readonly string[];
  readonly scopes: readonly string[];
}

/** The OAuth resource server whose scopes machine clients get (its scopes come from the access map's routes). */
export interface ResourceServerConfig {
  /** Scope strings in tokens are `<identifier>/<scope>`; unique per user pool. */
  readonly identifier: string;
  readonly name: string;
}

/**
 * An app client for a service (no user): client secret, client-credentials grant only. Its tokens
 * carry `client_id` = `sub` = its id and the scopes it asked for; the authorizer decides its calls
 * from those scopes alone (lib/contracts/access-map.ts › Route.scopes).
 */
export interface MachineClientConfig {
  /** The app client's name in the pool; unique among the clients. */
  readonly name: string;
  /**
   * Scope short names (`reviews.read`) the client may ask for.
   * @default every scope the access map uses
   */
  readonly scopes?: readonly string[];
  /** Its access tokens' lifetime (Cognito: 5 minutes to 1 day). */
  readonly accessTokenMinutes: number;
}

export interface IdentityPoolConfig {
  /** Guest (unauthenticated) identities, with a role of their own. Off: no unauthenticated role exists. */
  readonly allowGuestAccess: boolean;
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

/**
 * Cognito threat protection (the Plus feature plan): `off` leaves the pool on the Essentials plan;
 * `audit` records risk (compromised credentials, unusual sign-ins) without acting; `enforced` also
 * blocks or challenges risky sign-ins.
 */
export type ThreatProtection = 'off' | 'audit' | 'enforced';
export const THREAT_PROTECTION_MODES: readonly ThreatProtection[] = ['off', 'audit', 'enforced'];

/**
 * The settings that cost money or keep data, per stage: every stage but `dev` has them all on
 * (what AWS Control Tower's proactive controls ask for); `dev` keeps the cheaper ones.
 */
export interface HardeningConfig {
  /** X-Ray active tracing on the API stage and every function. */
  readonly tracing: boolean;
  /** Days every log group keeps its lines (a CloudWatch Logs retention value). */
  readonly logRetentionDays: number;
  /** Keep the audit-bearing log groups (AUDIT_LOG_WRITERS) when the stack is deleted. */
  readonly retainAuditLogs: boolean;
  /** Encrypt the log groups and the alarm topic with a customer managed KMS key (rotated yearly). */
  readonly encryptWithKmsKey: boolean;
  /** The WAF web ACL on the API stage (`api.waf`). */
  readonly waf: boolean;
}

/**
 * The log groups that hold the audit trail (who was let in or refused, who logged in, what admins
 * did): the authorizer's decision lines, the auth and admin handlers' audit lines
 * (lambda/shared/audit.ts) and the API's access log. With `retainAuditLogs` they outlive the stack.
 */
export const AUDIT_LOG_GROUPS = ['authorizer', 'auth', 'adminUsers', 'accessLog'] as const;
export type AuditLogGroup = (typeof AUDIT_LOG_GROUPS)[number];

export interface AlarmConfig {
  /** An address subscribed to the alarm topic (it must confirm the subscription). @default none */
  readonly email?: string;
}

export interface AppConfig {
  readonly appName: string;
  readonly stage: Stage;
  readonly env: { readonly account?: string; readonly region: string };
  readonly userPool: {
    readonly name: string;
    readonly selfSignUpEnabled: boolean;
    /**
     * Custom attributes (string), each surfacing as `custom:<name>` in ID tokens. The app client
     * may read them, never write them: only admins set them, through the admin API.
     */
    readonly customAttributes: readonly string[];
    /** Threat protection; anything but `off` puts the pool on the Plus feature plan (priced per MAU). */
    readonly threatProtection: ThreatProtection;
  };
  readonly appClientName: string;
  readonly resourceServer: ResourceServerConfig;
  /** The first one's id is the `MachineClientId` output (and the local `machine-client.json`). */
  readonly machineClients: readonly MachineClientConfig[];
  readonly groups: readonly GroupConfig[];
  readonly tokens: TokenLifetimes;
  readonly authorizer: AuthorizerConfig;
  readonly revocation: RevocationConfig;
  readonly api: ApiConfig;
  readonly hostedUi: HostedUiConfig;
  readonly identityPool: IdentityPoolConfig;
  readonly local: LocalConfig;
  readonly hardening: HardeningConfig;
  readonly alarms: AlarmConfig;
}

/** What a stage is given from outside (`-c` context keys of the same names); `dev` has defaults. */
export interface StageSettings {
  readonly callbackUrls?: readonly string[];
  readonly logoutUrls?: readonly string[];
  readonly allowedOrigins?: readonly string[];
  readonly domainPrefix?: string;
  readonly threatProtection?: ThreatProtection;
  readonly alarmEmail?: string;
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
    threatProtection: 'off',
  },
  appClientName: 'my-app-client',
  resourceServer: { identifier: 'cognito-jwt-api', name: 'Cognito JWT API' },
  machineClients: [{ name: 'machine-client', accessTokenMinutes: 60 }],
  groups: [
    { name: 'admin-group', precedence: 1, description: 'Administrators: manage users' },
    { name: 'reviewers-group', precedence: 2, description: 'Reviewers: write reviews' },
    { name: 'user-group', precedence: 3, description: 'Regular users' },
  ],
  tokens: { accessTokenMinutes: 60, idTokenMinutes: 60, refreshTokenDays: 30 },
  authorizer: {
    // 45 s, not API Gateway's 300: with the revocation refresh (5 s) it bounds how long a revoked
    // token can pass (50 s); README › Revocation says what the shorter cache costs.
    resultsCacheTtlSeconds: 45,
    acceptIdTokens: false,
    clockSkewSeconds: 5,
    maxTokenLifetimeSeconds: 24 * 60 * 60,
    jwksFetchTimeoutMs: 1500,
    jwksPenaltySeconds: 10,
    maxHeaderBytes: 8192,
  },
  revocation: { enabled: true, refreshSeconds: 5, readTimeoutMs: 1000, failOpen: false },
  api: {
    stageName: 'v1',
    throttlingRateLimit: 100,
    throttlingBurstLimit: 200,
    // One caller guessing passwords cannot use up the whole stage's rate for everyone else.
    methodThrottling: [{ method: 'POST', path: '/auth/login', rateLimit: 10, burstLimit: 20 }],
    waf: { authRateLimit: 100, evaluationWindowSeconds: 300 },
    allowedOrigins: [],
  },
  hostedUi: {
    callbackUrls: [],
    logoutUrls: [],
    scopes: ['openid', 'email', 'profile'],
  },
  identityPool: { allowGuestAccess: false },
  local: {
    host: '127.0.0.1',
    apiPort: LOCAL_API_PORT,
    cognitoPort: 9229,
    dynamodbPort: 8000,
    dir: '.local',
    cliCallbackPort: CLI_CALLBACK_PORT,
  },
  hardening: {
    tracing: true,
    logRetentionDays: 365,
    retainAuditLogs: true,
    encryptWithKmsKey: true,
    waf: true,
  },
  alarms: {},
};

/** What `dev` keeps cheaper (README's stage table): no X-Ray, a month of logs deleted with the stack, no KMS key, no WAF. */
const DEV_HARDENING: HardeningConfig = {
  tracing: false,
  logRetentionDays: 30,
  retainAuditLogs: false,
  encryptWithKmsKey: false,
  waf: false,
};

/** The dev stage's defaults: the local demo page, the CLI's loopback redirect, the local API's origin. */
const DEV_SETTINGS: Required<Pick<StageSettings, 'callbackUrls' | 'logoutUrls' | 'allowedOrigins'>> = {
  callbackUrls: [`http://localhost:${LOCAL_API_PORT}/callback`, `http://localhost:${CLI_CALLBACK_PORT}/callback`],
  logoutUrls: [`http://localhost:${LOCAL_API_PORT}/`],
  allowedOrigins: [`http://localhost:${LOCAL_API_PORT}`],
};

export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && STAGE_PATTERN.test(value);
}

export function isThreatProtection(value: unknown): value is ThreatProtection {
  return THREAT_PROTECTION_MODES.some((mode) => mode === value);
}

/**
 * The configuration of one stage. `dev` falls back to localhost URLs; any other stage has only the
 * URLs it is given (validateConfig reports what is missing). Not validated here.
 */
export function configFor(stage: Stage = DEV_STAGE, settings: StageSettings = {}): AppConfig {
  const defaults = stage === DEV_STAGE ? DEV_SETTINGS : { callbackUrls: [], logoutUrls: [], allowedOrigins: [] };
  return {
    ...baseConfig,
    stage,
    userPool: {
      ...baseConfig.userPool,
      threatProtection: settings.threatProtection ?? baseConfig.userPool.threatProtection,
    },
    hardening: stage === DEV_STAGE ? DEV_HARDENING : baseConfig.hardening,
    alarms: { email: settings.alarmEmail },
    api: { ...baseConfig.api, allowedOrigins: settings.allowedOrigins ?? defaults.allowedOrigins },
    hostedUi: {
      ...baseConfig.hostedUi,
      domainPrefix: settings.domainPrefix,
      callbackUrls: settings.callbackUrls ?? defaults.callbackUrls,
      logoutUrls: settings.logoutUrls ?? defaults.logoutUrls,
    },
  };
}

/** Stack and resource names carry the app name and stage so stages can share an account. */
export function resourceName(config: AppConfig, name: string): string {
  return `${config.appName}-${config.stage}-${name}`;
}

/** Groups ordered by precedence (lowest number first). */
export function groupsByPrecedence(config: AppConfig): readonly GroupConfig[] {
  return [...config.groups].sort((a, b) => a.precedence - b.precedence);
}
