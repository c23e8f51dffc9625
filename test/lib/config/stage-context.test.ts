/** The stage's config from `-c` context values, as lib/app.ts reads them. */
import * as fc from 'fast-check';
import { configFor } from '../../../lib/config/app-config';
import { ConfigError } from '../../../lib/config/config-error';
import { configFromContext } from '../../../lib/config/stage-context';
import { configProblems } from '../../support/config-error';

const PROD = {
  stage: 'prod',
  callbackUrls: 'https://app.example.com/callback',
  logoutUrls: 'https://app.example.com/',
  allowedOrigins: 'https://app.example.com',
};

const fromContext = (context: Record<string, unknown>) => configFromContext((key) => context[key]);

const problems = (context: Record<string, unknown>) => configProblems(() => fromContext(context));

it('is the dev stage with its localhost defaults when nothing is given', () => {
  expect(fromContext({})).toEqual(configFor('dev'));
  expect(fromContext({}).hostedUi.callbackUrls).toEqual([
    'http://localhost:3000/callback',
    'http://localhost:8765/callback',
  ]);
});

it('lets dev override its URLs too (https, or loopback http)', () => {
  const config = fromContext({
    callbackUrls: 'https://dev.example.com/cb, http://127.0.0.1:5000/cb',
    allowedOrigins: 'https://dev.example.com',
  });
  expect(config.hostedUi.callbackUrls).toEqual(['https://dev.example.com/cb', 'http://127.0.0.1:5000/cb']);
  expect(config.hostedUi.logoutUrls).toEqual(configFor('dev').hostedUi.logoutUrls);
  expect(config.api.allowedOrigins).toEqual(['https://dev.example.com']);
});

it('reads comma-separated lists (blanks dropped) and cdk.json arrays alike', () => {
  const config = fromContext({
    ...PROD,
    callbackUrls: ' https://a.example.com/cb ,,https://b.example.com/cb ',
    logoutUrls: ['https://a.example.com/'],
  });
  expect(config.hostedUi.callbackUrls).toEqual(['https://a.example.com/cb', 'https://b.example.com/cb']);
  expect(config.hostedUi.logoutUrls).toEqual(['https://a.example.com/']);
  expect(config.stage).toBe('prod');
});

it('names every missing key of a non-dev stage, an empty value counting as missing', () => {
  expect(problems({ stage: 'staging', callbackUrls: '' })).toEqual([
    'Context "callbackUrls" is required for stage "staging": pass -c callbackUrls=https://app.example.com/callback (comma-separated for several)',
    'Context "logoutUrls" is required for stage "staging": pass -c logoutUrls=https://app.example.com/ (comma-separated for several)',
    'Context "allowedOrigins" is required for stage "staging": pass -c allowedOrigins=https://app.example.com (comma-separated for several)',
  ]);
});

it('names the context key of a bad URL, not the config field', () => {
  expect(problems({ ...PROD, allowedOrigins: 'https://app.example.com/' })).toEqual([
    'Context "allowedOrigins": "https://app.example.com/" must be an origin: scheme, host and optional port, no path or trailing slash',
  ]);
});

it('rejects a stage name that is not 1–16 lowercase letters or digits', () => {
  for (const stage of ['', 'Prod', 'pro-d', '1prod', 'a'.repeat(17), 42]) {
    expect(problems({ ...PROD, stage })).toEqual([
      expect.stringMatching(/^Context "stage" must be 1 to 16 lowercase letters or digits/),
    ]);
  }
});

describe('domainPrefix', () => {
  it('is used as given when valid', () => {
    expect(fromContext({ ...PROD, domainPrefix: 'shop-login' }).hostedUi.domainPrefix).toBe('shop-login');
  });

  it.each([
    [
      'my-cognito-app',
      'must not contain the reserved word "cognito" (Cognito rejects prefixes containing aws, amazon, cognito)',
    ],
    ['awsome', 'must not contain the reserved word "aws" (Cognito rejects prefixes containing aws, amazon, cognito)'],
    ['Shop', 'must be lowercase letters, digits and hyphens, starting and ending with a letter or digit'],
    ['shop-', 'must be lowercase letters, digits and hyphens, starting and ending with a letter or digit'],
    ['', 'must be 1 to 63 characters long (it has 0)'],
  ])('"%s" fails naming the rule and the key', (prefix, rule) => {
    expect(problems({ ...PROD, domainPrefix: prefix })).toEqual([`Context "domainPrefix" ("${prefix}") ${rule}`]);
  });

  it('any valid prefix passes, any with a reserved word fails', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
    fc.assert(
      fc.property(label, fc.constantFrom('aws', 'amazon', 'cognito'), label, (left, word, right) => {
        expect(problems({ ...PROD, domainPrefix: `${left}-${word}-${right}` })).toContainEqual(
          expect.stringContaining(`reserved word "${word}"`),
        );
        const clean = left.replace(/aws|amazon|cognito/g, 'x');
        if (!/aws|amazon|cognito/.test(clean)) expect(problems({ ...PROD, domainPrefix: clean })).toEqual([]);
      }),
    );
  });
});

describe('threatProtection and alarmEmail', () => {
  it('are off and none unless given', () => {
    const config = fromContext(PROD);
    expect(config.userPool.threatProtection).toBe('off');
    expect(config.alarms.email).toBeUndefined();
  });

  it.each(['off', 'audit', 'enforced'] as const)('threatProtection=%s is taken as given', (mode) => {
    expect(fromContext({ ...PROD, threatProtection: mode }).userPool.threatProtection).toBe(mode);
  });

  it('names the allowed threat protection modes', () => {
    expect(problems({ ...PROD, threatProtection: 'full' })).toEqual([
      'Context "threatProtection" must be one of off, audit, enforced; got "full"',
    ]);
  });

  it('takes an alarm email and rejects what is not one', () => {
    expect(fromContext({ ...PROD, alarmEmail: 'ops@example.com' }).alarms.email).toBe('ops@example.com');
    expect(problems({ ...PROD, alarmEmail: 'ops' })).toEqual([
      `Context "alarmEmail" must be one email address (the alarm topic's subscriber); got "ops"`,
    ]);
  });
});

it('gives dev the cheaper settings and every other stage the hardened ones', () => {
  expect(fromContext({}).hardening).toEqual({
    tracing: false,
    logRetentionDays: 30,
    retainAuditLogs: false,
    encryptWithKmsKey: false,
    waf: false,
  });
  expect(fromContext(PROD).hardening).toEqual({
    tracing: true,
    logRetentionDays: 365,
    retainAuditLogs: true,
    encryptWithKmsKey: true,
    waf: true,
  });
});

it('reports every broken rule in one error, one line', () => {
  expect(problems({ ...PROD, callbackUrls: 'http://app.example.com/cb', logoutUrls: 'ftp://x' })).toEqual([
    'Context "callbackUrls": "http://app.example.com/cb" must use https outside the dev stage (loopback http is allowed only in dev)',
    'Context "logoutUrls": "ftp://x" must use https',
  ]);
  expect(() => fromContext({ ...PROD, logoutUrls: 'ftp://x', allowedOrigins: '*' })).toThrow(
    new ConfigError([
      'Context "logoutUrls": "ftp://x" must use https',
      'Context "allowedOrigins": "*" is not an origin (https://host[:port])',
    ]),
  );
});
