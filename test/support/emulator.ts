/** A provisioned Cognito emulator in a fresh temp dir on a free port, for handler tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { accessMap } from '../../lib/contracts/access-map';
import { configFor } from '../../lib/config/app-config';
import { handlerEnvironment } from '../../lib/config/function-environment';
import { ENV } from '../../lib/contracts/runtime-env';
import { provision, startEmulator, type ProvisionedPool } from '../../lib/local/emulator';
import { seedUsers } from '../../lib/local/seed-users';
import { freePort } from './local-process';

export interface TestEmulator {
  readonly endpoint: string;
  readonly pool: ProvisionedPool;
  stop(): Promise<void>;
}

export async function startTestEmulator(): Promise<TestEmulator> {
  const dir = mkdtempSync(path.join(tmpdir(), 'emulator-'));
  const emulator = await startEmulator({ dir, host: '127.0.0.1', port: await freePort() });
  const pool = await provision({ endpoint: emulator.endpoint, config: configFor('dev'), users: seedUsers });
  return {
    endpoint: emulator.endpoint,
    pool,
    async stop() {
      await emulator.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The environment the CDK stack (or the local system) gives the backend Lambdas (the auth handler's, a superset). */
export function backendEnv(emulator: TestEmulator, extra: Record<string, string> = {}): Record<string, string> {
  const config = configFor('dev');
  return {
    ...handlerEnvironment('auth', config, accessMap, emulator.pool, {
      tokenEndpoint: `${emulator.endpoint}/oauth2/token`,
      callbackUrls: config.hostedUi.callbackUrls,
      allowedOrigins: [], // no CORS headers: handler tests call without a browser
    }),
    [ENV.region]: 'us-east-1',
    [ENV.cognitoEndpoint]: emulator.endpoint,
    // The logout route verifies tokens as the authorizer does: against the emulator's issuer and keys.
    [ENV.issuerOverride]: emulator.pool.issuer,
    [ENV.jwksUriOverride]: emulator.pool.jwksUri,
    ...extra,
  };
}
