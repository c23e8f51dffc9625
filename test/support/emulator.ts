/** A provisioned Cognito emulator in a fresh temp dir on a free port, for handler tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { configFor } from '../../lib/config/app-config';
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

/** The environment the CDK stack (or the local system) gives the backend Lambdas. */
export function backendEnv(emulator: TestEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    APP_STAGE: 'dev',
    AWS_REGION: 'us-east-1',
    USER_POOL_ID: emulator.pool.userPoolId,
    USER_POOL_CLIENT_ID: emulator.pool.userPoolClientId,
    COGNITO_ENDPOINT: emulator.endpoint,
    TOKEN_ENDPOINT: `${emulator.endpoint}/oauth2/token`,
    ...extra,
  };
}
