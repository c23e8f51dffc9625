/**
 * The rules AWS enforces only at deploy time, and the ones that keep a stage from shipping unsafe
 * settings, checked at synth the way aws-cdk-lib's constructs check their props: each function
 * returns one sentence per broken rule (empty: valid). ConfigError (config-error.ts) joins them.
 *
 * Must stay free of aws-cdk-lib imports.
 */
import { ROUTE_PATH_PATTERN, SCOPE_NAME_PATTERN, scopesOf, type Route } from '../contracts/access-map';
import { DEV_STAGE, STAGE_PATTERN, THREAT_PROTECTION_MODES, isThreatProtection, type AppConfig } from './app-config';
import { PLACEHOLDER_ACCOUNT, defaultDomainPrefix, domainPrefixProblems } from './domain-prefix';
import { isLoopbackUrl } from '../contracts/runtime-env';

const MINUTES_PER_DAY = 24 * 60;
/** Cognito: access and ID tokens 5 minutes to 1 day; refresh tokens 60 minutes to 10 years. */
const TOKEN_MINUTES = { min: 5, max: MINUTES_PER_DAY };
const REFRESH_MINUTES = { min: 60, max: 3650 * MINUTES_PER_DAY };
/** API Gateway's authorizer result cache: 0 (off) to 3600 seconds. */
const CACHE_TTL_SECONDS = { min: 0, max: 3600 };
/** Cognito group names: 1–128 letters, marks, symbols, digits or punctuation; precedence 0–2^31−1. */
const GROUP_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;
const MAX_PRECEDENCE = 2 ** 31 - 1;
const APP_NAME = /^[A-Za-z][A-Za-z0-9]{0,31}$/;
/** The retention periods CloudWatch Logs accepts, in days. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
/** AWS WAF rate-based rules: a limit of at least 10 requests, over one of these windows. */
const WAF_RATE_LIMIT = { min: 10, max: 2_000_000_000 };
const WAF_WINDOWS_SECONDS = [60, 120, 300, 600];
/** Enough to catch a typo; Amazon SNS checks the address itself when it sends the confirmation. */
const EMAIL = /^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/;

const isWhole = (value: number, min: number, max = Number.MAX_SAFE_INTEGER): boolean =>
  Number.isInteger(value) && value >= min && value <= max;

/** Every broken rule of a whole configuration. */
export function validateConfig(config: AppConfig): string[] {
  const names = appProblems(config);
  return [
    ...names,
    ...tokenProblems(config),
    ...authorizerProblems(config),
    ...revocationProblems(config),
    ...throttlingProblems(config),
    ...wafProblems(config),
    ...hardeningProblems(config),
    ...groupProblems(config),
    ...stageUrlProblems(config),
    ...hostedUiScopeProblems(config),
    // A default prefix built from a bad app or stage name would only repeat that problem.
    ...(names.length === 0 || config.hostedUi.domainPrefix !== undefined ? configDomainPrefixProblems(config) : []),
  ];
}

function appProblems(config: AppConfig): string[] {
  const problems: string[] = [];
  if (!APP_NAME.test(config.appName))
    problems.push(`config.appName must be 1 to 32 letters or digits, starting with a letter; got "${config.appName}"`);
  if (!STAGE_PATTERN.test(config.stage)) problems.push(stageProblem('config.stage', config.stage));
  return problems;
}

export function stageProblem(label: string, stage: string): string {
  return `${label} must be 1 to 16 lowercase letters or digits, starting with a letter (e.g. dev, prod, staging); got "${stage}"`;
}

/** Token lifetimes within Cognito's limits; the refresh token outlives the others; the authorizer accepts them. */
function tokenProblems(config: AppConfig): string[] {
  const { accessTokenMinutes, idTokenMinutes, refreshTokenDays } = config.tokens;
  const problems: string[] = [];
  for (const [name, minutes] of [
    ['accessTokenMinutes', accessTokenMinutes],
    ['idTokenMinutes', idTokenMinutes],
  ] as const) {
    if (!isWhole(minutes, TOKEN_MINUTES.min, TOKEN_MINUTES.max)) {
      problems.push(
        `config.tokens.${name} must be a whole number of minutes from 5 to 1440 (Cognito: 5 minutes to 1 day); got ${minutes}`,
      );
    }
  }
  // The comparisons below only mean something between lifetimes that are valid themselves.
  const lifetimesValid = problems.length === 0;
  const refreshMinutes = refreshTokenDays * MINUTES_PER_DAY;
  if (!isWhole(refreshMinutes, REFRESH_MINUTES.min, REFRESH_MINUTES.max)) {
    problems.push(
      `config.tokens.refreshTokenDays must be from 60 minutes to 10 years (3650 days) in whole minutes; got ${refreshTokenDays}`,
    );
  } else if (lifetimesValid && refreshMinutes <= Math.max(accessTokenMinutes, idTokenMinutes)) {
    problems.push(
      `config.tokens.refreshTokenDays (${refreshMinutes} minutes) must be longer than the access and ID token lifetimes`,
    );
  }
  const longestAccepted = Math.max(accessTokenMinutes, config.authorizer.acceptIdTokens ? idTokenMinutes : 0) * 60;
  if (lifetimesValid && config.authorizer.maxTokenLifetimeSeconds < longestAccepted) {
    problems.push(
      `config.authorizer.maxTokenLifetimeSeconds (${config.authorizer.maxTokenLifetimeSeconds}) must be at least the token lifetime it accepts (${longestAccepted} s), or every valid token is rejected`,
    );
  }
  return problems;
}

/** The authorizer's cache TTL within API Gateway's range, and its limits sane. */
function authorizerProblems(config: AppConfig): string[] {
  const { resultsCacheTtlSeconds, clockSkewSeconds, jwksFetchTimeoutMs, jwksPenaltySeconds, maxHeaderBytes } =
    config.authorizer;
  const checks: Array<[boolean, string]> = [
    [
      isWhole(resultsCacheTtlSeconds, CACHE_TTL_SECONDS.min, CACHE_TTL_SECONDS.max),
      `config.authorizer.resultsCacheTtlSeconds must be a whole number from 0 to 3600 (API Gateway's limit; 0 turns the cache off); got ${resultsCacheTtlSeconds}`,
    ],
    [
      isWhole(clockSkewSeconds, 0, 300),
      `config.authorizer.clockSkewSeconds must be a whole number from 0 to 300; got ${clockSkewSeconds}`,
    ],
    [
      isWhole(jwksFetchTimeoutMs, 1, 10_000),
      `config.authorizer.jwksFetchTimeoutMs must be a whole number from 1 to 10000 (the function's timeout); got ${jwksFetchTimeoutMs}`,
    ],
    [
      isWhole(jwksPenaltySeconds, 0),
      `config.authorizer.jwksPenaltySeconds must be a whole number of seconds, 0 or more; got ${jwksPenaltySeconds}`,
    ],
    [
      isWhole(maxHeaderBytes, 1, 10_240),
      `config.authorizer.maxHeaderBytes must be a whole number from 1 to 10240 (API Gateway's header limit); got ${maxHeaderBytes}`,
    ],
  ];
  return checks.filter(([ok]) => !ok).map(([, problem]) => problem);
}

/** How often an authorizer pulls revocations and how long one read may take: both keep the bound and the cost predictable. */
function revocationProblems(config: AppConfig): string[] {
  const { refreshSeconds, readTimeoutMs } = config.revocation;
  const checks: Array<[boolean, string]> = [
    [
      isWhole(refreshSeconds, 1, 300),
      `config.revocation.refreshSeconds must be a whole number from 1 to 300 (each warm authorizer reads the store once per interval); got ${refreshSeconds}`,
    ],
    [
      isWhole(readTimeoutMs, 10, 5000),
      `config.revocation.readTimeoutMs must be a whole number from 10 to 5000; got ${readTimeoutMs}`,
    ],
  ];
  return checks.filter(([ok]) => !ok).map(([, problem]) => problem);
}

/** Stage throttling must be positive: 0 would reject every request. */
function throttlingProblems(config: AppConfig): string[] {
  const { throttlingRateLimit, throttlingBurstLimit } = config.api;
  const problems: string[] = [];
  if (!(Number.isFinite(throttlingRateLimit) && throttlingRateLimit > 0)) {
    problems.push(
      `config.api.throttlingRateLimit must be a positive number of requests per second; got ${throttlingRateLimit}`,
    );
  }
  if (!isWhole(throttlingBurstLimit, 1))
    problems.push(`config.api.throttlingBurstLimit must be a positive whole number; got ${throttlingBurstLimit}`);
  for (const { method, path, rateLimit, burstLimit } of config.api.methodThrottling) {
    if (!(Number.isFinite(rateLimit) && rateLimit > 0) || !isWhole(burstLimit, 1))
      problems.push(
        `config.api.methodThrottling: "${method} ${path}" needs a positive rateLimit and a positive whole burstLimit; got ${rateLimit} and ${burstLimit}`,
      );
  }
  return problems;
}

/** The WAF rate-based rule within AWS WAF's limits. */
function wafProblems(config: AppConfig): string[] {
  const { authRateLimit, evaluationWindowSeconds } = config.api.waf;
  const checks: Array<[boolean, string]> = [
    [
      isWhole(authRateLimit, WAF_RATE_LIMIT.min, WAF_RATE_LIMIT.max),
      `config.api.waf.authRateLimit must be a whole number of requests from ${WAF_RATE_LIMIT.min} (AWS WAF's minimum); got ${authRateLimit}`,
    ],
    [
      WAF_WINDOWS_SECONDS.includes(evaluationWindowSeconds),
      `config.api.waf.evaluationWindowSeconds must be one of ${WAF_WINDOWS_SECONDS.join(', ')}; got ${evaluationWindowSeconds}`,
    ],
  ];
  return checks.filter(([ok]) => !ok).map(([, problem]) => problem);
}

/** Log retention CloudWatch accepts, a known threat protection mode, an alarm address that looks like one. */
function hardeningProblems(config: AppConfig): string[] {
  const { logRetentionDays } = config.hardening;
  const { threatProtection } = config.userPool;
  const { email } = config.alarms;
  const checks: Array<[boolean, string]> = [
    [
      LOG_RETENTION_DAYS.includes(logRetentionDays),
      `config.hardening.logRetentionDays must be a CloudWatch Logs retention (${LOG_RETENTION_DAYS.join(', ')} days); got ${logRetentionDays}`,
    ],
    [
      isThreatProtection(threatProtection),
      `config.userPool.threatProtection must be one of ${THREAT_PROTECTION_MODES.join(', ')}; got "${String(threatProtection)}"`,
    ],
    [
      email === undefined || EMAIL.test(email),
      `Context "alarmEmail" must be one email address (the alarm topic's subscriber); got "${email}"`,
    ],
  ];
  return checks.filter(([ok]) => !ok).map(([, problem]) => problem);
}

/** Group names valid for Cognito and unique; precedences valid and unique (they decide the preferred role). */
function groupProblems(config: AppConfig): string[] {
  const problems: string[] = [];
  const seenNames = new Set<string>();
  const seenPrecedences = new Map<number, string>();
  for (const { name, precedence } of config.groups) {
    if (!GROUP_NAME.test(name)) {
      problems.push(
        `config.groups: "${name}" is not a valid Cognito group name (1 to 128 letters, digits, symbols or punctuation, no spaces)`,
      );
    }
    if (seenNames.has(name)) problems.push(`config.groups: the name "${name}" appears more than once`);
    seenNames.add(name);
    if (!isWhole(precedence, 0, MAX_PRECEDENCE)) {
      problems.push(
        `config.groups: the precedence of "${name}" must be a whole number from 0 to ${MAX_PRECEDENCE}; got ${precedence}`,
      );
    }
    const other = seenPrecedences.get(precedence);
    if (other !== undefined)
      problems.push(
        `config.groups: "${other}" and "${name}" share precedence ${precedence} (a lower number wins: each must be unique)`,
      );
    seenPrecedences.set(precedence, name);
  }
  return problems;
}

export type UrlKind = 'url' | 'origin';

/**
 * A list of URLs a stage is given: at least one; https, or loopback http in the dev stage only;
 * origins are `scheme://host[:port]` and never `*` (the API allows credentials).
 */
export function urlListProblems(label: string, urls: readonly string[], stage: string, kind: UrlKind): string[] {
  if (urls.length === 0) return [`${label} must list at least one ${kind === 'origin' ? 'origin' : 'URL'}`];
  return urls.flatMap((value) => {
    const problem = urlProblem(value, stage, kind);
    return problem ? [`${label}: "${value}" ${problem}`] : [];
  });
}

function urlProblem(value: string, stage: string, kind: UrlKind): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return kind === 'origin' ? 'is not an origin (https://host[:port])' : 'is not an absolute URL';
  }
  if (url.protocol === 'http:') {
    if (stage !== DEV_STAGE) return 'must use https outside the dev stage (loopback http is allowed only in dev)';
    if (!isLoopbackUrl(value)) return 'must use https (plain http only for a loopback host, in dev)';
  } else if (url.protocol !== 'https:') {
    return 'must use https';
  }
  if (kind === 'origin' && url.origin !== value)
    return 'must be an origin: scheme, host and optional port, no path or trailing slash';
  if (kind === 'url' && url.hash !== '') return 'must not contain a fragment (#)';
  return undefined;
}

function stageUrlProblems(config: AppConfig): string[] {
  return [
    ...urlListProblems('config.hostedUi.callbackUrls', config.hostedUi.callbackUrls, config.stage, 'url'),
    ...urlListProblems('config.hostedUi.logoutUrls', config.hostedUi.logoutUrls, config.stage, 'url'),
    ...urlListProblems('config.api.allowedOrigins', config.api.allowedOrigins, config.stage, 'origin'),
  ];
}

/**
 * The explicit prefix, or the default one with a 12-digit stand-in for an account that is only
 * known at deploy time (the literal parts and the length are what can break).
 */
function configDomainPrefixProblems(config: AppConfig): string[] {
  const explicit = config.hostedUi.domainPrefix;
  if (explicit !== undefined)
    return domainPrefixProblems(explicit).map((rule) => `config.hostedUi.domainPrefix ("${explicit}") ${rule}`);
  return defaultDomainPrefixProblems(defaultDomainPrefix(config.appName, config.stage, PLACEHOLDER_ACCOUNT));
}

/** The rules a derived default prefix breaks, with what to do about it. */
export function defaultDomainPrefixProblems(prefix: string): string[] {
  return domainPrefixProblems(prefix).map(
    (rule) =>
      `The default Hosted UI domain prefix "${prefix}" (app, stage, account) ${rule}: pass -c domainPrefix=<prefix>`,
  );
}

/** Routes the API and the authorizer can serve: well-formed paths, no duplicates, only configured groups (the policy's size: lambda/authorizer/largest-policy.ts). */
export function routeProblems(routes: readonly Route[], config: AppConfig): string[] {
  const problems: string[] = [];
  const groups = new Set(config.groups.map((group) => group.name));
  const seen = new Set<string>();
  for (const { method, path } of config.api.methodThrottling) {
    if (!routes.some((route) => route.method === method && route.path === path))
      problems.push(`config.api.methodThrottling: "${method} ${path}" is not a route of the access map`);
  }
  for (const route of routes) {
    const name = `${route.method} ${route.path}`;
    if (!ROUTE_PATH_PATTERN.test(route.path))
      problems.push(`routes: "${name}" has a malformed path (segments of A-Z a-z 0-9 . _ ~ - or {param})`);
    if (seen.has(name)) problems.push(`routes: "${name}" appears more than once`);
    seen.add(name);
    if (route.scopes && route.access === 'public')
      problems.push(`routes: "${name}" is public and lists scopes (a public route needs no token)`);
    for (const scope of route.scopes ?? [])
      if (!SCOPE_NAME_PATTERN.test(scope))
        problems.push(
          `routes: "${name}" lists the scope "${scope}", not a valid scope name (no spaces, quotes, / or \\)`,
        );
    if (route.access !== 'public' && route.access !== 'authenticated') {
      if (route.access.length === 0)
        problems.push(`routes: "${name}" grants no group (use 'authenticated' for any valid token)`);
      for (const group of route.access)
        if (!groups.has(group)) problems.push(`routes: "${name}" grants "${group}", which is not a configured group`);
    }
  }
  return problems;
}

/** The Hosted UI's scopes: Cognito's standard ones (the resource server's go to machine clients). */
const HOSTED_UI_SCOPES = new Set(['openid', 'email', 'profile', 'phone', 'aws.cognito.signin.user.admin']);

function hostedUiScopeProblems(config: AppConfig): string[] {
  return config.hostedUi.scopes
    .filter((scope) => !HOSTED_UI_SCOPES.has(scope))
    .map((scope) => `config.hostedUi.scopes: "${scope}" is not one of ${[...HOSTED_UI_SCOPES].join(', ')}`);
}

/** Resource server identifier: Cognito's alphabet (printable ASCII without space, " or \\), 1–256 characters. */
const RESOURCE_SERVER_IDENTIFIER = /^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/;

/** Machine clients and the resource server: every scope a client asks for is one the routes use. */
export function machineClientProblems(config: AppConfig, routes: readonly Route[]): string[] {
  const problems: string[] = [];
  const { identifier } = config.resourceServer;
  if (!RESOURCE_SERVER_IDENTIFIER.test(identifier))
    problems.push(
      `config.resourceServer.identifier must be 1 to 256 printable characters without spaces, quotes or backslashes; got "${identifier}"`,
    );
  const known = new Set(scopesOf(routes));
  const names = new Set<string>([config.appClientName]);
  for (const machine of config.machineClients) {
    const label = `config.machineClients "${machine.name}"`;
    if (names.has(machine.name)) problems.push(`${label}: the name is already used by another app client`);
    names.add(machine.name);
    if (machine.scopes?.length === 0 || (!machine.scopes && known.size === 0))
      problems.push(`${label} has no scopes: give it at least one scope a route lists`);
    for (const scope of machine.scopes ?? [])
      if (!known.has(scope))
        problems.push(
          `${label}: unknown scope "${scope}" (no route lists it; known: ${[...known].join(', ') || 'none'})`,
        );
    if (!isWhole(machine.accessTokenMinutes, TOKEN_MINUTES.min, TOKEN_MINUTES.max))
      problems.push(
        `${label}: accessTokenMinutes must be a whole number of minutes from 5 to 1440 (Cognito: 5 minutes to 1 day); got ${machine.accessTokenMinutes}`,
      );
    else if (machine.accessTokenMinutes * 60 > config.authorizer.maxTokenLifetimeSeconds)
      problems.push(
        `${label}: accessTokenMinutes (${machine.accessTokenMinutes}) is longer than config.authorizer.maxTokenLifetimeSeconds accepts`,
      );
  }
  return problems;
}
