/**
 * The synth-time rules, one at a time: each broken rule gives exactly one sentence that names the
 * field, the limit and the value; a valid config gives none.
 */
import { accessMap } from '../../../lib/contracts/access-map';
import { configFor, type AppConfig } from '../../../lib/config/app-config';
import { machineClientProblems, routeProblems, urlListProblems, validateConfig } from '../../../lib/config/validation';

const dev = configFor('dev');
const prod = configFor('prod', {
  callbackUrls: ['https://app.example.com/callback'],
  logoutUrls: ['https://app.example.com/'],
  allowedOrigins: ['https://app.example.com'],
});

const withTokens = (tokens: Partial<AppConfig['tokens']>): AppConfig => ({
  ...dev,
  tokens: { ...dev.tokens, ...tokens },
});
const withAuthorizer = (authorizer: Partial<AppConfig['authorizer']>): AppConfig => ({
  ...dev,
  authorizer: { ...dev.authorizer, ...authorizer },
});
const withApi = (api: Partial<AppConfig['api']>): AppConfig => ({ ...dev, api: { ...dev.api, ...api } });

it.each([
  ['dev', dev],
  ['prod with its URLs', prod],
])('finds nothing wrong with the %s config', (_name, config) => {
  expect(validateConfig(config)).toEqual([]);
  expect(routeProblems(accessMap, config)).toEqual([]);
});

describe('token lifetimes (Cognito: access/ID 5 min–1 day, refresh 60 min–10 years and longer)', () => {
  it.each([
    [
      'access below 5 minutes',
      withTokens({ accessTokenMinutes: 4 }),
      /^config\.tokens\.accessTokenMinutes must be a whole number of minutes from 5 to 1440 .*got 4$/,
    ],
    ['access above a day', withTokens({ accessTokenMinutes: 1441 }), /^config\.tokens\.accessTokenMinutes .*got 1441$/],
    [
      'access not whole minutes',
      withTokens({ accessTokenMinutes: 7.5 }),
      /^config\.tokens\.accessTokenMinutes .*got 7\.5$/,
    ],
    [
      'ID below 5 minutes',
      withTokens({ idTokenMinutes: 1 }),
      /^config\.tokens\.idTokenMinutes must be a whole number of minutes from 5 to 1440 .*got 1$/,
    ],
    [
      'refresh below 60 minutes',
      withTokens({ refreshTokenDays: 30 / 1440 }),
      /^config\.tokens\.refreshTokenDays must be from 60 minutes to 10 years/,
    ],
    [
      'refresh above 10 years',
      withTokens({ refreshTokenDays: 3651 }),
      /^config\.tokens\.refreshTokenDays must be from 60 minutes to 10 years .*got 3651$/,
    ],
    [
      'refresh not longer than access',
      withTokens({ accessTokenMinutes: 120, refreshTokenDays: 1 / 24 }),
      /^config\.tokens\.refreshTokenDays \(60 minutes\) must be longer than the access and ID token lifetimes$/,
    ],
    [
      'authorizer refusing the lifetime it is given',
      { ...withTokens({ accessTokenMinutes: 120 }), authorizer: { ...dev.authorizer, maxTokenLifetimeSeconds: 3600 } },
      /^config\.authorizer\.maxTokenLifetimeSeconds \(3600\) must be at least the token lifetime it accepts \(7200 s\)/,
    ],
  ])('%s', (_name, config, message) => {
    expect(validateConfig(config)).toEqual([expect.stringMatching(message)]);
  });

  it('accepts the limits themselves', () => {
    expect(validateConfig(withTokens({ accessTokenMinutes: 5, idTokenMinutes: 1440, refreshTokenDays: 3650 }))).toEqual(
      [],
    );
    expect(validateConfig(withTokens({ accessTokenMinutes: 5, idTokenMinutes: 5, refreshTokenDays: 1 / 24 }))).toEqual(
      [],
    );
  });
});

describe('authorizer', () => {
  it.each([
    [
      'cache TTL above 3600 s',
      { resultsCacheTtlSeconds: 3601 },
      /^config\.authorizer\.resultsCacheTtlSeconds must be a whole number from 0 to 3600 .*got 3601$/,
    ],
    ['cache TTL negative', { resultsCacheTtlSeconds: -1 }, /^config\.authorizer\.resultsCacheTtlSeconds .*got -1$/],
    [
      'clock skew above 5 minutes',
      { clockSkewSeconds: 301 },
      /^config\.authorizer\.clockSkewSeconds must be a whole number from 0 to 300; got 301$/,
    ],
    [
      'JWKS time-out zero',
      { jwksFetchTimeoutMs: 0 },
      /^config\.authorizer\.jwksFetchTimeoutMs must be a whole number from 1 to 10000/,
    ],
    [
      'JWKS penalty negative',
      { jwksPenaltySeconds: -5 },
      /^config\.authorizer\.jwksPenaltySeconds must be a whole number of seconds, 0 or more; got -5$/,
    ],
    [
      'header limit beyond API Gateway',
      { maxHeaderBytes: 20_000 },
      /^config\.authorizer\.maxHeaderBytes must be a whole number from 1 to 10240/,
    ],
  ])('%s', (_name, authorizer, message) => {
    expect(validateConfig(withAuthorizer(authorizer))).toEqual([expect.stringMatching(message)]);
  });

  it('accepts a cache TTL of 0 (off) and of 3600', () => {
    expect(validateConfig(withAuthorizer({ resultsCacheTtlSeconds: 0 }))).toEqual([]);
    expect(validateConfig(withAuthorizer({ resultsCacheTtlSeconds: 3600 }))).toEqual([]);
  });
});

describe('throttling must be positive', () => {
  it.each([
    [
      'rate 0',
      { throttlingRateLimit: 0 },
      /^config\.api\.throttlingRateLimit must be a positive number of requests per second; got 0$/,
    ],
    ['rate not a number', { throttlingRateLimit: Number.NaN }, /^config\.api\.throttlingRateLimit .*got NaN$/],
    [
      'burst 0',
      { throttlingBurstLimit: 0 },
      /^config\.api\.throttlingBurstLimit must be a positive whole number; got 0$/,
    ],
    ['burst fractional', { throttlingBurstLimit: 2.5 }, /^config\.api\.throttlingBurstLimit .*got 2\.5$/],
  ])('%s', (_name, api, message) => {
    expect(validateConfig(withApi(api))).toEqual([expect.stringMatching(message)]);
  });

  it('accepts a fractional rate', () => {
    expect(validateConfig(withApi({ throttlingRateLimit: 0.5 }))).toEqual([]);
  });

  it('a route throttle needs a positive rate and a positive whole burst', () => {
    const methodThrottling = [{ method: 'POST', path: '/auth/login', rateLimit: 0, burstLimit: 1.5 }];
    expect(validateConfig(withApi({ methodThrottling }))).toEqual([
      'config.api.methodThrottling: "POST /auth/login" needs a positive rateLimit and a positive whole burstLimit; got 0 and 1.5',
    ]);
  });

  it('a route throttle names a route of the access map', () => {
    const methodThrottling = [{ method: 'GET', path: '/auth/login', rateLimit: 5, burstLimit: 10 }];
    expect(routeProblems(accessMap, withApi({ methodThrottling }))).toEqual([
      'config.api.methodThrottling: "GET /auth/login" is not a route of the access map',
    ]);
  });
});

describe('WAF rate rule (AWS WAF: at least 10 requests, a window of 60, 120, 300 or 600 s)', () => {
  it.each([
    ['a limit under 10', { authRateLimit: 9 }, /^config\.api\.waf\.authRateLimit .*got 9$/],
    ['a fractional limit', { authRateLimit: 50.5 }, /^config\.api\.waf\.authRateLimit .*got 50\.5$/],
    [
      'another window',
      { evaluationWindowSeconds: 90 },
      /^config\.api\.waf\.evaluationWindowSeconds must be one of 60, 120, 300, 600; got 90$/,
    ],
  ])('%s', (_name, waf, message) => {
    expect(validateConfig(withApi({ waf: { ...dev.api.waf, ...waf } }))).toEqual([expect.stringMatching(message)]);
  });
});

describe('hardening, threat protection, alarm email', () => {
  it('a log retention CloudWatch does not offer', () => {
    expect(validateConfig({ ...dev, hardening: { ...dev.hardening, logRetentionDays: 366 } })).toEqual([
      expect.stringMatching(
        /^config\.hardening\.logRetentionDays must be a CloudWatch Logs retention \(1, 3, .*\); got 366$/,
      ),
    ]);
  });

  it('an unknown threat protection mode', () => {
    const userPool = { ...dev.userPool, threatProtection: 'on' as never };
    expect(validateConfig({ ...dev, userPool })).toEqual([
      'config.userPool.threatProtection must be one of off, audit, enforced; got "on"',
    ]);
  });

  it.each(['ops', 'a@b', 'a@b.c,d@e.f'])('an alarm email that is not one address: %s', (email) => {
    expect(validateConfig({ ...dev, alarms: { email } })).toEqual([
      `Context "alarmEmail" must be one email address (the alarm topic's subscriber); got "${email}"`,
    ]);
  });
});

describe('groups', () => {
  const withGroups = (groups: Array<{ name: string; precedence: number }>): AppConfig =>
    // Group names other than the project's are what a construct user may configure: the type narrows them, the rule does not.
    ({ ...dev, groups: groups.map((group) => ({ ...group, description: '' })) as unknown as AppConfig['groups'] });

  it.each([
    [
      'a name with a space',
      [{ name: 'admin group', precedence: 1 }],
      'config.groups: "admin group" is not a valid Cognito group name (1 to 128 letters, digits, symbols or punctuation, no spaces)',
    ],
    [
      'an empty name',
      [{ name: '', precedence: 1 }],
      'config.groups: "" is not a valid Cognito group name (1 to 128 letters, digits, symbols or punctuation, no spaces)',
    ],
    [
      'a name of 129 characters',
      [{ name: 'g'.repeat(129), precedence: 1 }],
      `config.groups: "${'g'.repeat(129)}" is not a valid Cognito group name (1 to 128 letters, digits, symbols or punctuation, no spaces)`,
    ],
    [
      'a negative precedence',
      [{ name: 'a', precedence: -1 }],
      'config.groups: the precedence of "a" must be a whole number from 0 to 2147483647; got -1',
    ],
    [
      'a fractional precedence',
      [{ name: 'a', precedence: 1.5 }],
      'config.groups: the precedence of "a" must be a whole number from 0 to 2147483647; got 1.5',
    ],
    [
      'a shared precedence',
      [
        { name: 'a', precedence: 1 },
        { name: 'b', precedence: 1 },
      ],
      'config.groups: "a" and "b" share precedence 1 (a lower number wins: each must be unique)',
    ],
  ])('%s', (_name, groups, message) => {
    expect(validateConfig(withGroups(groups))).toEqual([message]);
  });

  it('a repeated name (which also repeats the precedence: two rules, two sentences)', () => {
    expect(
      validateConfig(
        withGroups([
          { name: 'a', precedence: 1 },
          { name: 'a', precedence: 2 },
        ]),
      ),
    ).toEqual(['config.groups: the name "a" appears more than once']);
  });
});

describe('stage URLs', () => {
  it.each([
    ['https anywhere', 'prod', 'url', 'https://app.example.com/callback', []],
    ['loopback http in dev', 'dev', 'url', 'http://127.0.0.1:4000/callback', []],
    [
      'loopback http outside dev',
      'prod',
      'url',
      'http://localhost:3000/callback',
      [
        'L: "http://localhost:3000/callback" must use https outside the dev stage (loopback http is allowed only in dev)',
      ],
    ],
    [
      'remote http in dev',
      'dev',
      'url',
      'http://app.example.com/callback',
      ['L: "http://app.example.com/callback" must use https (plain http only for a loopback host, in dev)'],
    ],
    ['another scheme', 'prod', 'url', 'ftp://app.example.com/', ['L: "ftp://app.example.com/" must use https']],
    ['not a URL', 'prod', 'url', 'app.example.com/callback', ['L: "app.example.com/callback" is not an absolute URL']],
    [
      'a fragment',
      'prod',
      'url',
      'https://app.example.com/#cb',
      ['L: "https://app.example.com/#cb" must not contain a fragment (#)'],
    ],
    ['an origin', 'prod', 'origin', 'https://app.example.com:8443', []],
    [
      'an origin with a path',
      'prod',
      'origin',
      'https://app.example.com/app',
      ['L: "https://app.example.com/app" must be an origin: scheme, host and optional port, no path or trailing slash'],
    ],
    [
      'an origin with a trailing slash',
      'prod',
      'origin',
      'https://app.example.com/',
      ['L: "https://app.example.com/" must be an origin: scheme, host and optional port, no path or trailing slash'],
    ],
    ['a wildcard origin', 'prod', 'origin', '*', ['L: "*" is not an origin (https://host[:port])']],
  ] as const)('%s', (_name, stage, kind, url, expected) => {
    expect(urlListProblems('L', [url], stage, kind)).toEqual(expected);
  });

  it('needs at least one of each', () => {
    expect(validateConfig(configFor('prod'))).toEqual([
      'config.hostedUi.callbackUrls must list at least one URL',
      'config.hostedUi.logoutUrls must list at least one URL',
      'config.api.allowedOrigins must list at least one origin',
    ]);
  });
});

describe('names', () => {
  it('an app name that cannot name stacks', () => {
    expect(validateConfig({ ...dev, appName: 'my app' })).toEqual([
      'config.appName must be 1 to 32 letters or digits, starting with a letter; got "my app"',
    ]);
  });

  it('a stage name that cannot name stacks and domains', () => {
    expect(validateConfig({ ...prod, stage: 'Prod' })).toEqual([
      expect.stringMatching(
        /^config\.stage must be 1 to 16 lowercase letters or digits, starting with a letter .*got "Prod"$/,
      ),
    ]);
  });

  it('a configured domain prefix, rule by rule', () => {
    const withPrefix = (domainPrefix: string) =>
      validateConfig({ ...dev, hostedUi: { ...dev.hostedUi, domainPrefix } });
    expect(withPrefix('login-7')).toEqual([]);
    expect(withPrefix('my-amazon-login')).toEqual([
      'config.hostedUi.domainPrefix ("my-amazon-login") must not contain the reserved word "amazon" (Cognito rejects prefixes containing aws, amazon, cognito)',
    ]);
    expect(withPrefix('a'.repeat(64))).toEqual([
      `config.hostedUi.domainPrefix ("${'a'.repeat(64)}") must be 1 to 63 characters long (it has 64)`,
    ]);
    expect(withPrefix('-login')).toEqual([
      'config.hostedUi.domainPrefix ("-login") must be lowercase letters, digits and hyphens, starting and ending with a letter or digit',
    ]);
  });
});

describe('routes', () => {
  it('a route that grants no group', () => {
    const routes = [{ method: 'GET', path: '/x', access: [], handler: 'profile' }] as const;
    expect(routeProblems(routes, withApi({ methodThrottling: [] }))).toEqual([
      `routes: "GET /x" grants no group (use 'authenticated' for any valid token)`,
    ]);
  });
});

describe('machine clients and scopes', () => {
  const withMachine = (machine: Partial<AppConfig['machineClients'][number]>): AppConfig => ({
    ...dev,
    machineClients: [{ ...dev.machineClients[0], ...machine }],
  });

  it('finds nothing wrong with the default machine client (every scope of the access map)', () => {
    expect(machineClientProblems(dev, accessMap)).toEqual([]);
  });

  it.each<[string, AppConfig, string]>([
    ['an unknown scope name', withMachine({ scopes: ['reviews.delete'] }), 'unknown scope "reviews.delete"'],
    ['a machine client with no scopes', withMachine({ scopes: [] }), 'has no scopes'],
    ['a lifetime Cognito refuses', withMachine({ accessTokenMinutes: 2 }), 'from 5 to 1440'],
    ['the name of the user client', withMachine({ name: dev.appClientName }), 'already used'],
    [
      'a resource server identifier with a space',
      { ...dev, resourceServer: { ...dev.resourceServer, identifier: 'my api' } },
      'identifier',
    ],
  ])('%s: one sentence', (_, config, fragment) => {
    const problems = machineClientProblems(config, accessMap);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(fragment);
  });

  it('routes that list no scope leave a default machine client with none', () => {
    const routes = accessMap.map((route) => ({ ...route, scopes: undefined }));
    expect(machineClientProblems(dev, routes)).toEqual([expect.stringContaining('has no scopes')]);
  });

  it('scopes on a public route, and malformed scope names', () => {
    const problems = routeProblems(
      [
        { method: 'POST', path: '/open', access: 'public', scopes: ['x.read'], handler: 'auth' },
        { method: 'GET', path: '/items', access: 'authenticated', scopes: ['items read'], handler: 'profile' },
      ],
      withApi({ methodThrottling: [] }),
    );
    expect(problems).toEqual([
      expect.stringContaining('"POST /open" is public and lists scopes'),
      expect.stringContaining('"GET /items" lists the scope "items read"'),
    ]);
  });
});
