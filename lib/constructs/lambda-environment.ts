import { Tokenization } from 'aws-cdk-lib';
import { ConfigError } from '../config/config-error';

/** Lambda's limit on one function's environment variables: keys and values, 4 KB in total. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;
/** A deploy-time value (pool id, client id, endpoint URL) counts as this many bytes: more than any of them takes. */
const DEPLOY_TIME_VALUE_BYTES = 128;
const DEPLOY_TIME_VALUE = 'x'.repeat(DEPLOY_TIME_VALUE_BYTES);

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
      `The environment of the ${functionId} function takes up to ${bytes} bytes; Lambda allows ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} in total: use fewer or shorter routes or group names`,
    ]);
  }
}
