/**
 * Where the authorizer's config comes from, decided here for the authorizer and the logout route
 * alike (lib/contracts/authorizer-config.ts is its shape and parser).
 *
 * Deployed, it is in the code: the API construct bundles it in (BUNDLED_AUTHORIZER_CONFIG) after
 * checking it with the parser at synth, so it is read as it is. Bundling then leaves the parser out
 * (esbuild drops the branch that can no longer run): its code and its first run cost every cold
 * start's first request ≈ 1.7 million instructions (bench/README.md). Otherwise (the local system,
 * the tests, a bundle built without it) it is AUTHORIZER_CONFIG from the environment, checked by the
 * parser once per cold start.
 */
import { parseAuthorizerRuntimeConfig, type AuthorizerRuntimeConfig } from '../../lib/contracts/authorizer-config';
import { ENV, requireEnv, type RuntimeEnv } from '../../lib/contracts/runtime-env';

/** Replaced by a string literal at bundling (esbuild `define`); unbundled, no such global exists. */
declare const BUNDLED_AUTHORIZER_CONFIG: string | undefined;

export function loadAuthorizerConfig(env: RuntimeEnv): AuthorizerRuntimeConfig {
  return typeof BUNDLED_AUTHORIZER_CONFIG === 'string'
    ? // Checked at synth (lib/constructs/lambda-environment.ts › authorizerConfigInCode).
      (JSON.parse(BUNDLED_AUTHORIZER_CONFIG) as AuthorizerRuntimeConfig)
    : parseAuthorizerRuntimeConfig(requireEnv(env, ENV.authorizerConfig));
}
