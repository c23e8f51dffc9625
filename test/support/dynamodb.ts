/** A real local DynamoDB (dynalite) with the project's tables, in a fresh temp dir on a free port. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { configFor } from '../../lib/config/app-config';
import { ENV } from '../../lib/config/runtime-env';
import type { TableKey } from '../../lib/config/tables';
import { ensureTables, startLocalDynamo } from '../../lib/local/dynamodb';
import { freePort } from './local-process';

export interface TestDynamo {
  readonly endpoint: string;
  readonly tables: Readonly<Record<TableKey, string>>;
  /** The environment the CDK stack (or the local system) gives the reviews Lambda. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startTestDynamo(): Promise<TestDynamo> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dynamodb-'));
  const dynamo = await startLocalDynamo({ dir, host: '127.0.0.1', port: await freePort() });
  const tables = await ensureTables(dynamo, configFor('dev'));
  return {
    endpoint: dynamo.endpoint,
    tables,
    env: { [ENV.region]: 'us-east-1', [ENV.dynamodbEndpoint]: dynamo.endpoint, [ENV.reviewsTable]: tables.reviews },
    async stop() {
      await dynamo.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
