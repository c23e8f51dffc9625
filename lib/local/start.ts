/**
 * `npm start`: runs the local system until SIGINT/SIGTERM.
 * Environment: API_PORT (default 3000), COGNITO_PORT (default 9229), DYNAMODB_PORT (default 8000),
 * LOCAL_DIR (default .local); AUTHORIZER_CACHE_TTL (seconds, 0–3600; default the config's, as
 * deployed), REVOCATION_REFRESH_SECONDS (0–300; 0 reads the store for every decision; default the
 * config's); DYNAMODB_ENDPOINT (a loopback DynamoDB to use instead of starting dynalite).
 * It runs the dev stage: its localhost URLs are the ones the local system serves.
 */
import { stdoutSink } from '../../lambda/shared/logger';
import { configFor } from '../config/app-config';
import { seedUsers } from './seed-users';
import { startLocalSystem, type LocalSystem } from './system';
import { staticPages } from './pages';

const SHUTDOWN_LIMIT_MS = 2000;

// The AWS SDK warns on every start that its releases after January 2027 need Node 22; the lockfile
// pins the SDK and Lambda runs Node 24, so the warning only adds noise to the local console.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** A whole number from the environment within [min, max], the fallback when unset; else one line naming the variable. */
function wholeNumberFrom(variable: string, fallback: number, [min, max]: [number, number], what: string): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max)
    throw new Error(`${variable} must be ${what} from ${min} to ${max}; got "${raw}"`);
  return value;
}

const portFrom = (variable: string, fallback: number): number =>
  wholeNumberFrom(variable, fallback, [1, 65535], 'a port number');

async function main(): Promise<void> {
  const shutdown = stopOnSignals();
  const config = configFor('dev');
  const system: LocalSystem = await startLocalSystem({
    config,
    apiPort: portFrom('API_PORT', config.local.apiPort),
    cognitoPort: portFrom('COGNITO_PORT', config.local.cognitoPort),
    dynamodbPort: portFrom('DYNAMODB_PORT', config.local.dynamodbPort),
    dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT || undefined,
    authorizerCacheTtlSeconds: wholeNumberFrom(
      'AUTHORIZER_CACHE_TTL',
      config.authorizer.resultsCacheTtlSeconds,
      [0, 3600],
      'a whole number of seconds',
    ),
    revocationRefreshSeconds: wholeNumberFrom(
      'REVOCATION_REFRESH_SECONDS',
      config.revocation.refreshSeconds,
      [0, 300],
      'a whole number of seconds',
    ),
    dir: process.env.LOCAL_DIR || config.local.dir,
    // The same sink as the Lambdas' lines, so access and decision lines keep their order.
    accessLog: stdoutSink,
    staticRoutes: staticPages,
  });
  if (shutdown.started(system)) printBanner(system);
}

/**
 * SIGINT/SIGTERM stop the local system cleanly. The handlers go in before anything starts: a
 * supervisor may signal as soon as it reads the banner, and a process preempted right after writing
 * it would otherwise take the signal with no handler yet (killed by the default action, its emulator
 * left running). A signal during start-up stops the system as soon as it is up.
 */
function stopOnSignals(): { started(system: LocalSystem): boolean } {
  let running: LocalSystem | undefined;
  let received: NodeJS.Signals | undefined;
  const stop = (system: LocalSystem, signal: NodeJS.Signals): void => {
    process.stdout.write(`\n${signal}: stopping the local system\n`);
    setTimeout(() => process.exit(0), SHUTDOWN_LIMIT_MS).unref();
    system.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received) return;
    received = signal;
    if (running) stop(running, signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    started(system) {
      running = system;
      if (received) stop(system, received);
      return !received;
    },
  };
}

function revocationLine(boundSeconds: number | undefined): string {
  return boundSeconds === undefined
    ? 'check off (a revoked token passes until it expires)'
    : `a revoked token passes for at most ${boundSeconds} s (authorizer cache + refresh; AUTHORIZER_CACHE_TTL, REVOCATION_REFRESH_SECONDS)`;
}

function printBanner(system: LocalSystem): void {
  const { outputs } = system;
  const lines = [
    'Local system is running (no AWS, no Docker). Ctrl+C to stop.',
    `  API:             ${outputs.ApiUrl}`,
    `  Hosted UI demo:  ${outputs.ApiUrl}/`,
    `  Cognito emulator ${outputs.UserPoolProviderUrl}`,
    `  JWKS:            ${outputs.JwksUri}`,
    `  Identity pool:   ${outputs.IdentityPoolId} at ${outputs.CognitoIdentityEndpoint}; STS at ${outputs.StsEndpoint}`,
    `  DynamoDB (local) ${system.dynamodb.endpoint}${system.dynamodb.dataDir ? `, data in ${system.dynamodb.dataDir}` : ' (DYNAMODB_ENDPOINT)'}`,
    `  Revocation:      ${revocationLine(system.revocationBoundSeconds)}`,
    `  Outputs:         ${system.outputsFile}`,
    ...(system.machineClientFile
      ? [
          `  Machine client:  ${outputs.MachineClientId}, secret in ${system.machineClientFile}; token at ${outputs.TokenEndpoint}`,
        ]
      : []),
    '  Seeded users (local emulator only):',
    ...seedUsers.map(
      (user) => `    ${user.email.padEnd(22)} ${user.password.padEnd(18)} ${user.groups.join(', ') || '(no group)'}`,
    ),
    'Try:',
    `  npm run cli -- login --username ${seedUsers[0].email} --password '${seedUsers[0].password}'`,
    '  npm run cli -- call GET /api/admin/users',
    "  npm run cli -- credentials   (the AWS credentials of your group's role, from the identity pool)",
    '  npm run cli -- token --client-credentials --scope reviews.read   (a machine client; then call GET /api/reviews)',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
