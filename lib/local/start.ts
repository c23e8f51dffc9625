/**
 * `npm start`: runs the local system until SIGINT/SIGTERM.
 * Environment: API_PORT (default 3000), COGNITO_PORT (default 9229), DYNAMODB_PORT (default 8000),
 * LOCAL_DIR (default .local). It runs the dev stage: its localhost URLs are the ones the local system serves.
 */
import { configFor } from '../config/app-config';
import { seedUsers } from './seed-users';
import { startLocalSystem, type LocalSystem } from './system';
import { staticPages } from './pages';

const SHUTDOWN_LIMIT_MS = 2000;

// The AWS SDK warns on every start that its releases after January 2027 need Node 22; the lockfile
// pins the SDK and Lambda runs Node 24, so the warning only adds noise to the local console.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

function portFrom(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${variable} must be a port number from 1 to 65535; got "${raw}"`);
  }
  return port;
}

async function main(): Promise<void> {
  const config = configFor('dev');
  const system: LocalSystem = await startLocalSystem({
    config,
    apiPort: portFrom('API_PORT', config.local.apiPort),
    cognitoPort: portFrom('COGNITO_PORT', config.local.cognitoPort),
    dynamodbPort: portFrom('DYNAMODB_PORT', config.local.dynamodbPort),
    dir: process.env.LOCAL_DIR || config.local.dir,
    accessLog: (line) => process.stdout.write(`${line}\n`),
    staticRoutes: staticPages,
  });
  printBanner(system);

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the local system\n`);
    setTimeout(() => process.exit(0), SHUTDOWN_LIMIT_MS).unref();
    system.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

function printBanner(system: LocalSystem): void {
  const { outputs } = system;
  const lines = [
    'Local system is running (no AWS, no Docker). Ctrl+C to stop.',
    `  API:             ${outputs.ApiUrl}`,
    `  Hosted UI demo:  ${outputs.ApiUrl}/`,
    `  Cognito emulator ${outputs.UserPoolProviderUrl}`,
    `  JWKS:            ${outputs.JwksUri}`,
    `  DynamoDB (local) ${system.dynamodb.endpoint}, data in ${system.dynamodb.dataDir}`,
    `  Outputs:         ${system.outputsFile}`,
    '  Seeded users (local emulator only):',
    ...seedUsers.map((user) => `    ${user.email.padEnd(22)} ${user.password.padEnd(18)} ${user.groups.join(', ') || '(no group)'}`),
    'Try:',
    `  npm run cli -- login --username ${seedUsers[0].email} --password '${seedUsers[0].password}'`,
    '  npm run cli -- call GET /api/admin/users',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
