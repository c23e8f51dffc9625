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
import { BUNDLED_AUTHORIZER_CONFIG } from '../../../lib/contracts/authorizer-config';
import { ENV } from '../../../lib/contracts/runtime-env';
import { configProblems } from '../../support/config-error';

const CONFIG = '{"routes":[{"method":"GET","path":"/api/a","access":"authenticated"}]}';

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
  // `--define:BUNDLED_AUTHORIZER_CONFIG=` and the quotes of the literal around the config.
  const fitting = 'x'.repeat(BUNDLING_ARGUMENT_LIMIT_BYTES - `--define:${BUNDLED_AUTHORIZER_CONFIG}=""`.length);
  expect(authorizerConfigInCode('Authorizer', { [ENV.authorizerConfig]: fitting }).environment).toEqual({});
  expect(configProblems(() => authorizerConfigInCode('Authorizer', { [ENV.authorizerConfig]: `${fitting}x` }))).toEqual(
    [
      `The access map bundled into the Authorizer function takes ${BUNDLING_ARGUMENT_LIMIT_BYTES + 1} bytes of esbuild's command line; one argument may take 131071: protect fewer routes, or use shorter paths or group names`,
    ],
  );
});

it("still refuses an environment over Lambda's 4 KB (names and values), naming what can still make it grow", () => {
  const fitting = 'x'.repeat(4096 - ENV.callbackUrls.length);
  expect(configProblems(() => assertEnvironmentFits('AuthHandler', { [ENV.callbackUrls]: fitting }))).toEqual([]);
  expect(configProblems(() => assertEnvironmentFits('AuthHandler', { [ENV.callbackUrls]: `${fitting}x` }))).toEqual([
    'The environment of the AuthHandler function takes up to 4097 bytes; Lambda allows 4096 in total: use fewer or shorter callback URLs, allowed origins or machine clients',
  ]);
});
