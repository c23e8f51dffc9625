/**
 * The local Cognito's process (started by lib/local/emulator.ts), in the emulator's state directory
 * as its working directory: cognito-local's `.cognito/config.json` and `.cognito/db`, and our
 * signing key in `signing-key.pem` (0600), the identity pools in `identity-pools.json`, the key of
 * issued AWS credentials' secrets in `credentials-secret` (0600). Environment: HOST, PORT, AWS_REGION (of identity pool ids). Logs JSON lines to stdout.
 */
import * as path from 'node:path';
import pino from 'pino';
import { loadConfig } from 'cognito-local/lib/server/config';
import { StormDBDataStoreFactory } from 'cognito-local/lib/services/dataStore/stormDb';
import { loadOrCreateSecret } from './aws-credentials';
import { fileIdentityStore } from './identity-store';
import { createLocalCognito } from './server';
import { loadOrCreateSigningKey } from './signing-key';

async function main(): Promise<void> {
  const host = process.env.HOST ?? '127.0.0.1';
  const port = Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`PORT must be a port number; got "${process.env.PORT}"`);
  const logger = pino({ level: 'info' });
  const configDir = path.resolve('.cognito');
  const config = await loadConfig({ logger }, new StormDBDataStoreFactory(configDir));
  const server = await createLocalCognito({
    dataDir: path.join(configDir, 'db'),
    config,
    key: loadOrCreateSigningKey(path.resolve('signing-key.pem')),
    endpoint: `http://${host}:${port}`,
    logger,
    region: process.env.AWS_REGION || 'us-east-1',
    identityStore: fileIdentityStore(path.resolve('identity-pools.json')),
    credentialsSecret: loadOrCreateSecret(path.resolve('credentials-secret')),
  });
  server.listen(port, host, () => logger.info(`Local Cognito running on http://${host}:${port}`));
  process.on('SIGTERM', () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`local Cognito: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
