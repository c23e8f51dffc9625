import { Tokenization } from 'aws-cdk-lib';
import { ConfigError } from '../config/config-error';
import { BUNDLED_AUTHORIZER_CONFIG, parseAuthorizerRuntimeConfig } from '../contracts/authorizer-config';
import { ENV } from '../contracts/runtime-env';

/** Lambda's limit on one function's environment variables: keys and values, 4 KB in total. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;
/** A deploy-time value (pool id, client id, endpoint URL) counts as this many bytes: more than any of them takes. */
const DEPLOY_TIME_VALUE_BYTES = 128;
const DEPLOY_TIME_VALUE = 'x'.repeat(DEPLOY_TIME_VALUE_BYTES);
/**
 * NodejsFunction hands esbuild each `define` as one command-line argument, and Linux refuses an
 * argument of 128 KiB or more (MAX_ARG_STRLEN, E2BIG): the largest one that runs.
 */
export const BUNDLING_ARGUMENT_LIMIT_BYTES = 128 * 1024 - 1;

/** The size Lambda will count for this environment, at most (unresolved values at their largest). */
export function environmentBytes(environment: Readonly<Record<string, string>>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(environment)) {
    const resolved: unknown = Tokenization.reverseString(value)
      .mapTokens({ mapToken: () => DEPLOY_TIME_VALUE })
      .join({ join: (left: unknown, right: unknown) => `${String(left)}${String(right)}` });
    bytes += Buffer.byteLength(name) + Buffer.byteLength(typeof resolved === 'string' ? resolved : value);
  }
  return bytes;
}

/** Fails the synth, instead of the deploy, when a function's environment cannot fit. */
export function assertEnvironmentFits(functionId: string, environment: Readonly<Record<string, string>>): void {
  const bytes = environmentBytes(environment);
  if (bytes > LAMBDA_ENVIRONMENT_LIMIT_BYTES) {
    throw new ConfigError([
      `The environment of the ${functionId} function takes up to ${bytes} bytes; Lambda allows ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} in total: use fewer or shorter callback URLs, allowed origins or machine clients`,
    ]);
  }
}

/** A function's settings as deployed: what stays in its environment, and what its code carries. */
export interface FunctionSettings {
  readonly environment: Record<string, string>;
  /** NodejsFunction's `bundling.define`: global constants esbuild replaces with these JavaScript literals. */
  readonly define: Record<string, string>;
}

/**
 * Moves AUTHORIZER_CONFIG, which grows with the access map, out of a function's environment into its
 * code (BUNDLED_AUTHORIZER_CONFIG, read first by lambda/authorizer/runtime-config.ts): Lambda's 4 KB
 * of environment held ≈ 50 routes. The function reads it as it is, so it is checked here, with the
 * parser the function would otherwise run at load. A function without it keeps its environment as it is.
 */
export function authorizerConfigInCode(
  functionId: string,
  environment: Readonly<Record<string, string>>,
): FunctionSettings {
  const { [ENV.authorizerConfig]: config, ...rest } = environment;
  if (config === undefined) return { environment: rest, define: {} };
  const literal = JSON.stringify(config);
  const argumentBytes = Buffer.byteLength(`--define:${BUNDLED_AUTHORIZER_CONFIG}=${literal}`);
  if (argumentBytes > BUNDLING_ARGUMENT_LIMIT_BYTES) {
    throw new ConfigError([
      `The access map bundled into the ${functionId} function takes ${argumentBytes} bytes of esbuild's command line; one argument may take ${BUNDLING_ARGUMENT_LIMIT_BYTES}: protect fewer routes, or use shorter paths or group names`,
    ]);
  }
  try {
    parseAuthorizerRuntimeConfig(config);
  } catch (error) {
    throw new ConfigError([
      `The config bundled into the ${functionId} function is malformed: ${error instanceof Error ? error.message : String(error)}`,
    ]);
  }
  return { environment: rest, define: { [BUNDLED_AUTHORIZER_CONFIG]: literal } };
}
