/**
 * The authorizer's settings from its environment (lib/config/function-environment.ts builds it):
 * AUTHORIZER_CONFIG round-trips (from the code when a bundle carries it), and every malformed field is an error that names it, which the
 * Lambda entry turns into CONFIG_ERROR rejections rather than an init failure.
 */
import fs from 'node:fs';
import type { APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { accessMap } from '../../../lib/contracts/access-map';
import { configFor } from '../../../lib/config/app-config';
import { authorizerEnvironment, authorizerRuntimeConfig } from '../../../lib/config/function-environment';
import { ENV } from '../../../lib/contracts/runtime-env';
import { BUNDLED_AUTHORIZER_CONFIG } from '../../../lib/contracts/authorizer-config';
import { settingsFromConfig } from '../../../fixtures/authorizer-settings';
import { settingsFromEnv } from '../../../lambda/authorizer/settings';

const config = configFor('dev');
const POOL = { userPoolId: 'eu-west-1_Pool1', userPoolClientId: 'client-1' };
const TABLE = 'CognitoJwtApi-dev-revocations';
const env = (overrides: Record<string, string | undefined> = {}) => ({
  ...authorizerEnvironment(config, accessMap, POOL),
  [ENV.region]: 'eu-west-1',
  [ENV.revocationsTable]: TABLE,
  ...overrides,
});
const runtime = authorizerRuntimeConfig(config, accessMap);
const withConfig = (change: (value: Record<string, unknown>) => void) => {
  const value = JSON.parse(JSON.stringify(runtime)) as Record<string, unknown>;
  change(value);
  return env({ [ENV.authorizerConfig]: JSON.stringify(value) });
};

it('reads exactly what the construct (or the local system) put into the environment', () => {
  const issuer = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool1';
  const variables = env();
  expect(settingsFromEnv(variables)).toEqual(
    settingsFromConfig(config, { issuer, clientId: 'client-1' }, accessMap, { tableName: TABLE, env: variables }),
  );
  expect(settingsFromEnv(variables).revocation).toEqual({
    refreshMs: 5000,
    readTimeoutMs: 1000,
    failOpen: false,
    retentionSeconds: 3605,
    tableName: TABLE,
    env: variables,
  });
  expect(settingsFromEnv(env()).routes).toEqual(runtime.routes);
  expect(runtime.routes.map((route) => `${route.method} ${route.path}`)).not.toContain('POST /auth/login'); // public: never authorized
});

it('reads the config from the code when the bundle carries it (BUNDLED_AUTHORIZER_CONFIG), whatever the environment holds', () => {
  // esbuild replaces the constant by a literal (lib/constructs/lambda-environment.ts); unbundled, a global stands in.
  const bundled = { ...runtime, groupPrecedence: ['user-group', 'reviewers-group', 'admin-group'] };
  Reflect.set(globalThis, BUNDLED_AUTHORIZER_CONFIG, JSON.stringify(bundled));
  try {
    expect(settingsFromEnv(env({ [ENV.authorizerConfig]: undefined })).groupPrecedence).toEqual(
      bundled.groupPrecedence,
    );
    expect(settingsFromEnv(env()).groupPrecedence).toEqual(bundled.groupPrecedence);
  } finally {
    Reflect.deleteProperty(globalThis, BUNDLED_AUTHORIZER_CONFIG);
  }
  expect(settingsFromEnv(env()).groupPrecedence).toEqual(runtime.groupPrecedence);
});

it.each([
  ['missing', undefined, 'Environment variable AUTHORIZER_CONFIG is not set'],
  ['not JSON', '{routes:', 'AUTHORIZER_CONFIG is not a JSON object'],
  ['an array', '[]', 'AUTHORIZER_CONFIG is not a JSON object'],
])('fails on AUTHORIZER_CONFIG %s', (_name, value, message) => {
  expect(() => settingsFromEnv(env({ [ENV.authorizerConfig]: value }))).toThrow(message);
});

it.each([
  [
    'routes not a list',
    (value: Record<string, unknown>) => (value.routes = {}),
    'AUTHORIZER_CONFIG .routes must be an array',
  ],
  [
    'a route not an object',
    (value: Record<string, unknown>) => (value.routes = ['GET /x']),
    'AUTHORIZER_CONFIG .routes[0] must be an object',
  ],
  [
    'an unknown method',
    (value: Record<string, unknown>) => (value.routes = [{ method: 'TRACE', path: '/x', access: 'authenticated' }]),
    'AUTHORIZER_CONFIG .routes[0].method must be one of GET, POST, PUT, PATCH, DELETE',
  ],
  [
    'a path without a slash',
    (value: Record<string, unknown>) => (value.routes = [{ method: 'GET', path: 'x', access: 'authenticated' }]),
    'AUTHORIZER_CONFIG .routes[0].path must be a resource path like /api/items/{id}',
  ],
  [
    'access of another kind',
    (value: Record<string, unknown>) => (value.routes = [{ method: 'GET', path: '/x', access: 'everyone' }]),
    'AUTHORIZER_CONFIG .routes[0].access must be "public", "authenticated" or a list of group names',
  ],
  [
    'group precedence not names',
    (value: Record<string, unknown>) => (value.groupPrecedence = [1, 2]),
    'AUTHORIZER_CONFIG .groupPrecedence must be an array of group names',
  ],
  [
    'limits missing',
    (value: Record<string, unknown>) => delete value.limits,
    'AUTHORIZER_CONFIG .limits must be an object',
  ],
  [
    'acceptIdTokens not a boolean',
    (value: Record<string, unknown>) => ((value.limits as Record<string, unknown>).acceptIdTokens = 'yes'),
    'AUTHORIZER_CONFIG .limits.acceptIdTokens must be true or false',
  ],
  [
    'a negative limit',
    (value: Record<string, unknown>) => ((value.limits as Record<string, unknown>).clockSkewSeconds = -1),
    'AUTHORIZER_CONFIG .limits.clockSkewSeconds must be a number, 0 or more',
  ],
  [
    'a limit missing',
    (value: Record<string, unknown>) => delete (value.limits as Record<string, unknown>).maxHeaderBytes,
    'AUTHORIZER_CONFIG .limits.maxHeaderBytes must be a number, 0 or more',
  ],
  [
    'revocation missing',
    (value: Record<string, unknown>) => delete value.revocation,
    'AUTHORIZER_CONFIG .revocation must be an object',
  ],
  [
    'revocation check neither on nor off',
    (value: Record<string, unknown>) => ((value.revocation as Record<string, unknown>).enabled = 'on'),
    'AUTHORIZER_CONFIG .revocation.enabled must be true or false',
  ],
  [
    'failOpen not a boolean',
    (value: Record<string, unknown>) => ((value.revocation as Record<string, unknown>).failOpen = 1),
    'AUTHORIZER_CONFIG .revocation.failOpen must be true or false',
  ],
  [
    'a fractional refresh',
    (value: Record<string, unknown>) => ((value.revocation as Record<string, unknown>).refreshMs = 1.5),
    'AUTHORIZER_CONFIG .revocation.refreshMs must be a whole number, 0 or more',
  ],
  [
    'no read time-out',
    (value: Record<string, unknown>) => ((value.revocation as Record<string, unknown>).readTimeoutMs = 0),
    'AUTHORIZER_CONFIG .revocation.readTimeoutMs must be a whole number, 1 or more',
  ],
])('names the field: %s', (_name, change, message) => {
  expect(() => settingsFromEnv(withConfig(change))).toThrow(message);
});

it('needs the revocation table when the check is on (a configuration error, never a silent skip), and nothing of it when off', () => {
  expect(() => settingsFromEnv(env({ [ENV.revocationsTable]: undefined }))).toThrow(
    'Environment variable REVOCATIONS_TABLE_NAME is not set',
  );
  const off = withConfig((value) => ((value.revocation as Record<string, unknown>).enabled = false));
  expect(settingsFromEnv({ ...off, [ENV.revocationsTable]: undefined }).revocation).toBeUndefined();
});

it('still refuses an issuer override that is not on this machine', () => {
  expect(() => settingsFromEnv(env({ [ENV.issuerOverride]: 'https://evil.example.com/pool' }))).toThrow(
    'JWT_ISSUER must be a loopback URL',
  );
});

it('the Lambda entry rejects every request with CONFIG_ERROR when the variable is malformed, instead of failing to start', async () => {
  const lines: string[] = [];
  const saved = process.env;
  process.env = { ...saved, ...env({ [ENV.authorizerConfig]: '{"routes":[]}' }) };
  let handler!: (event: APIGatewayTokenAuthorizerEvent) => Promise<unknown>;
  try {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded fresh after the environment is set, as a cold start loads it
      ({ handler } = require('../../../lambda/authorizer/index') as { handler: typeof handler });
    });
  } finally {
    process.env = saved;
  }
  // The Lambda's log lines go to fd 1 in one write each (lambda/shared/logger.ts › stdoutSink).
  const capture = ((fd: number, text: string): number => (fd === 1 ? lines.push(text) : 0)) as typeof fs.writeSync;
  const write = jest.spyOn(fs, 'writeSync').mockImplementation(capture);
  try {
    await expect(
      handler({
        type: 'TOKEN',
        authorizationToken: 'Bearer x',
        methodArn: 'arn:aws:execute-api:eu-west-1:1:a/v1/GET/x',
      }),
    ).rejects.toEqual(new Error('Unauthorized'));
  } finally {
    write.mockRestore();
  }
  expect(JSON.parse(lines[0])).toMatchObject({
    decision: 'unauthorized',
    reason: 'CONFIG_ERROR',
    detail: 'AUTHORIZER_CONFIG .groupPrecedence must be an array of group names',
  });
});
