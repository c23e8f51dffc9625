/**
 * What a deployed function keeps in its environment and what its code carries: AUTHORIZER_CONFIG
 * moves into the bundle (an esbuild define), and one that esbuild could not be handed fails the
 * synth in one line instead of the bundling with E2BIG.
 */
import {
  BUNDLING_ARGUMENT_LIMIT_BYTES,
  assertEnvironmentFits,
  authorizerConfigInCode,
} from '../../../lib/constructs/lambda-environment';
import { configFor } from '../../../lib/config/app-config';
import { authorizerRuntimeConfig } from '../../../lib/config/function-environment';
import { accessMap } from '../../../lib/contracts/access-map';
import { BUNDLED_AUTHORIZER_CONFIG } from '../../../lib/contracts/authorizer-config';
import { ENV } from '../../../lib/contracts/runtime-env';
import { configProblems } from '../../support/config-error';

const RUNTIME = authorizerRuntimeConfig(configFor('dev'), accessMap);
const CONFIG = JSON.stringify(RUNTIME);
/** A well-formed config whose define takes exactly `bytes` bytes of the command line (its resource server padded). */
const configOfDefineBytes = (bytes: number): string => {
  const overhead = `--define:${BUNDLED_AUTHORIZER_CONFIG}=${JSON.stringify(JSON.stringify({ ...RUNTIME, resourceServer: '' }))}`;
  // JSON inside a JSON string: each quote and backslash of the config is escaped, a plain letter is not.
  return JSON.stringify({ ...RUNTIME, resourceServer: 'r'.repeat(bytes - Buffer.byteLength(overhead)) });
};

it('moves AUTHORIZER_CONFIG into a define of BUNDLED_AUTHORIZER_CONFIG, as a JavaScript string literal, and keeps the rest', () => {
  expect(authorizerConfigInCode('Authorizer', { [ENV.userPoolId]: 'pool', [ENV.authorizerConfig]: CONFIG })).toEqual({
    environment: { [ENV.userPoolId]: 'pool' },
    define: { [BUNDLED_AUTHORIZER_CONFIG]: JSON.stringify(CONFIG) },
  });
});

it('leaves the environment of a function without it as it is, with nothing to define', () => {
  expect(authorizerConfigInCode('ProfileHandler', { [ENV.userPoolId]: 'pool' })).toEqual({
    environment: { [ENV.userPoolId]: 'pool' },
    define: {},
  });
});

it("refuses, in one line naming the function, a config whose define would not fit one argument of esbuild's command line", () => {
  const fitting = configOfDefineBytes(BUNDLING_ARGUMENT_LIMIT_BYTES);
  expect(authorizerConfigInCode('Authorizer', { [ENV.authorizerConfig]: fitting }).environment).toEqual({});
  const tooLarge = configOfDefineBytes(BUNDLING_ARGUMENT_LIMIT_BYTES + 1);
  expect(configProblems(() => authorizerConfigInCode('Authorizer', { [ENV.authorizerConfig]: tooLarge }))).toEqual([
    `The access map bundled into the Authorizer function takes ${BUNDLING_ARGUMENT_LIMIT_BYTES + 1} bytes of esbuild's command line; one argument may take 131071: protect fewer routes, or use shorter paths or group names`,
  ]);
});

it('refuses, in one line naming the function and the field, a config the function could not read: it is read as bundled, unchecked', () => {
  const withoutRoutes = JSON.stringify({ ...RUNTIME, routes: undefined });
  expect(
    configProblems(() => authorizerConfigInCode('AuthHandler', { [ENV.authorizerConfig]: withoutRoutes })),
  ).toEqual([
    'The config bundled into the AuthHandler function is malformed: AUTHORIZER_CONFIG .routes must be an array',
  ]);
  const badPath = JSON.stringify({ ...RUNTIME, routes: [{ method: 'GET', path: 'api', access: 'authenticated' }] });
  expect(configProblems(() => authorizerConfigInCode('Authorizer', { [ENV.authorizerConfig]: badPath }))).toEqual([
    'The config bundled into the Authorizer function is malformed: AUTHORIZER_CONFIG .routes[0].path must be a resource path like /api/items/{id}',
  ]);
});

it("still refuses an environment over Lambda's 4 KB (names and values), naming what can still make it grow", () => {
  const fitting = 'x'.repeat(4096 - ENV.callbackUrls.length);
  expect(configProblems(() => assertEnvironmentFits('AuthHandler', { [ENV.callbackUrls]: fitting }))).toEqual([]);
  expect(configProblems(() => assertEnvironmentFits('AuthHandler', { [ENV.callbackUrls]: `${fitting}x` }))).toEqual([
    'The environment of the AuthHandler function takes up to 4097 bytes; Lambda allows 4096 in total: use fewer or shorter callback URLs, allowed origins or machine clients',
  ]);
});
