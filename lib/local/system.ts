/**
 * The whole system on one machine: the Cognito emulator, provisioned from the typed config, a
 * local DynamoDB with the tables of lib/contracts/tables.ts, and the local gateway serving the
 * access map with the real authorizer and handlers.
 * The Lambdas are configured exactly as in AWS, through their environment variables
 * (lib/contracts/runtime-env.ts); only the loopback overrides differ.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { HANDLER_NAMES, accessMap, type HandlerName } from '../contracts/access-map';
import { MACHINE_CLIENT_FILE } from '../config/app-clients';
import { configFor, resourceName, type AppConfig } from '../config/app-config';
import { corsPolicy, localAllowedOrigins, type CorsPolicy } from '../contracts/cors';
import { authorizerEnvironment, handlerEnvironment } from '../config/function-environment';
import { localRoleArn } from '../config/identity-pool';
import { revocationBoundSeconds } from '../config/revocation-retention';
import { ENV } from '../contracts/runtime-env';
import { tableEnvironment, tableOutputs, type TableKey, type TableOutputs } from '../contracts/tables';
import { ensureTables, externalDynamo, startLocalDynamo, type LocalDynamo } from './dynamodb';
import { provision, startEmulator, type Emulator, type ProvisionedPool } from './emulator';
import {
  createLocalGateway,
  type AuthorizerFunction,
  type LocalGateway,
  type ProxyHandler,
  type StaticRoute,
} from './gateway';
import { STS_PATH } from './cognito/sts';
import { makePrivateDir } from './private-dir';
import { seedUsers } from './seed-users';

export interface LocalSystemOptions {
  readonly config?: AppConfig;
  readonly host?: string;
  readonly apiPort: number;
  readonly cognitoPort: number;
  readonly dynamodbPort: number;
  /**
   * A loopback DynamoDB to use instead of starting dynalite on `dynamodbPort` (its tables are
   * created there as well).
   * @default none: dynalite runs in this process, its data in `<dir>/dynamodb`
   */
  readonly dynamodbEndpoint?: string;
  /**
   * The local gateway's authorizer cache TTL, 0 to 3600 s (0: the authorizer runs for every request).
   * @default the config's (`authorizer.resultsCacheTtlSeconds`), as deployed
   */
  readonly authorizerCacheTtlSeconds?: number;
  /**
   * How often the authorizer pulls new revocations, in seconds; 0 reads the store for every decision (tests).
   * @default the config's (`revocation.refreshSeconds`)
   */
  readonly revocationRefreshSeconds?: number;
  /** State directory (emulator and DynamoDB data, outputs.json, logs): made private to this user (lib/local/private-dir.ts). */
  readonly dir: string;
  /** Names of the variables that set the ports, for error messages. */
  readonly portVariables?: { readonly api: string; readonly cognito: string; readonly dynamodb: string };
  readonly accessLog?: (line: string) => void;
  readonly staticRoutes?: (outputs: LocalOutputs) => readonly StaticRoute[];
}

/** The same keys as the deployed stacks' outputs. */
export interface LocalOutputs extends TableOutputs {
  readonly UserPoolId: string;
  readonly UserPoolClientId: string;
  readonly UserPoolProviderUrl: string;
  readonly JwksUri: string;
  readonly ApiUrl: string;
  readonly HostedUiUrl: string;
  /** Served by the local gateway (lib/local/token-endpoint.ts): the client-credentials grant, the rest passed to the emulator. */
  readonly TokenEndpoint: string;
  readonly ResourceServerIdentifier: string;
  /** The first machine client (config.machineClients); its secret is in `machine-client.json`. */
  readonly MachineClientId?: string;
  readonly IdentityPoolId: string;
  /** The identity pool's role for users in no group. */
  readonly AuthenticatedRoleArn: string;
  /** Local only: the Cognito Identity API (`clientConfig.endpoint` of `fromCognitoIdentityPool`), served by the local Cognito. */
  readonly CognitoIdentityEndpoint: string;
  /** Local only: `sts:GetCallerIdentity` for the credentials the local identity pool issues. */
  readonly StsEndpoint: string;
}

export interface LocalSystem {
  readonly outputs: LocalOutputs;
  readonly outputsFile: string;
  /** Absent when the config names no machine client. */
  readonly machineClientFile: string | undefined;
  readonly gateway: LocalGateway;
  /** The local DynamoDB's endpoint and data directory (none when `dynamodbEndpoint` named one). */
  readonly dynamodb: { readonly endpoint: string; readonly dataDir: string | undefined };
  /** How long a revoked token can still pass here: the gateway's cache TTL plus the revocation refresh. */
  readonly revocationBoundSeconds: number | undefined;
  stop(): Promise<void>;
}

export class LocalStartError extends Error {
  readonly name = 'LocalStartError';
}

const HANDLER_MODULES: Record<HandlerName, () => Promise<{ handler: ProxyHandler }>> = {
  auth: () => import('../../lambda/handlers/auth'),
  profile: () => import('../../lambda/handlers/profile'),
  adminUsers: () => import('../../lambda/handlers/adminUsers'),
  reviews: () => import('../../lambda/handlers/reviews'),
};

/** The config with what this run overrides: the gateway's cache TTL and the revocation refresh. */
function localConfig(options: LocalSystemOptions): AppConfig {
  const config = options.config ?? configFor('dev');
  return {
    ...config,
    authorizer: {
      ...config.authorizer,
      resultsCacheTtlSeconds: options.authorizerCacheTtlSeconds ?? config.authorizer.resultsCacheTtlSeconds,
    },
    revocation: {
      ...config.revocation,
      refreshSeconds: options.revocationRefreshSeconds ?? config.revocation.refreshSeconds,
    },
  };
}

export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const config = localConfig(options);
  const host = options.host ?? config.local.host;
  const variables = options.portVariables ?? { api: 'API_PORT', cognito: 'COGNITO_PORT', dynamodb: 'DYNAMODB_PORT' };
  await assertPortFree(host, options.apiPort, variables.api);
  await assertPortFree(host, options.cognitoPort, variables.cognito);
  if (!options.dynamodbEndpoint) await assertPortFree(host, options.dynamodbPort, variables.dynamodb);

  const dir = path.resolve(options.dir);
  makePrivateDir(dir);
  const emulator = await startEmulator({ dir, host, port: options.cognitoPort, region: config.env.region });
  let dynamo: LocalDynamo | undefined;
  try {
    dynamo = await startDynamo(options, dir, host, variables.dynamodb);
    const tables = await ensureTables(dynamo, config);
    const extraCallbackUrls = callbackUrlsFor(options.apiPort);
    const pool = await provision({
      endpoint: emulator.endpoint,
      config,
      users: seedUsers,
      extraCallbackUrls,
      extraLogoutUrls: logoutUrlsFor(options.apiPort),
    });
    const cors = corsPolicy(localAllowedOrigins(config.api.allowedOrigins, options.apiPort), accessMap);
    configureLambdaEnvironment(
      config,
      { emulatorEndpoint: emulator.endpoint, dynamodbEndpoint: dynamo.endpoint, pool, tables },
      {
        callbackUrls: [...config.hostedUi.callbackUrls, ...extraCallbackUrls],
        allowedOrigins: cors.allowOrigins,
      },
    );

    const apiUrl = `http://${host}:${options.apiPort}`;
    const outputs: LocalOutputs = {
      UserPoolId: pool.userPoolId,
      UserPoolClientId: pool.userPoolClientId,
      UserPoolProviderUrl: pool.issuer,
      JwksUri: pool.jwksUri,
      ApiUrl: apiUrl,
      HostedUiUrl: emulator.endpoint,
      TokenEndpoint: `${emulator.endpoint}/oauth2/token`,
      ResourceServerIdentifier: config.resourceServer.identifier,
      ...(pool.machineClients[0] ? { MachineClientId: pool.machineClients[0].clientId } : {}),
      IdentityPoolId: pool.identityPoolId,
      AuthenticatedRoleArn: localRoleArn(config, 'authenticated'),
      CognitoIdentityEndpoint: emulator.endpoint,
      StsEndpoint: `${emulator.endpoint}${STS_PATH}`,
      ...tableOutputs(tables),
    };
    const gateway = await startGateway(config, host, { ...options, cors }, outputs).catch(
      (error: NodeJS.ErrnoException) => {
        throw error.code === 'EADDRINUSE' ? portInUse(options.apiPort, variables.api) : error;
      },
    );

    const outputsFile = path.join(dir, 'outputs.json');
    writeFileSync(outputsFile, `${JSON.stringify(outputsByStack(config, outputs), null, 2)}\n`);
    const machineClientFile = writeMachineClient(dir, pool);
    const services = { emulator, dynamo };
    return {
      outputs,
      outputsFile,
      machineClientFile,
      gateway,
      dynamodb: { endpoint: dynamo.endpoint, dataDir: dynamo.dataDir },
      revocationBoundSeconds: revocationBoundSeconds(config),
      async stop() {
        await gateway.close();
        await stopServices(services);
      },
    };
  } catch (error) {
    await stopServices({ emulator, dynamo });
    throw error;
  }
}

/** dynalite in this process, or the loopback DynamoDB the options name. */
function startDynamo(
  options: LocalSystemOptions,
  dir: string,
  host: string,
  portVariable: string,
): Promise<LocalDynamo> {
  if (options.dynamodbEndpoint) return Promise.resolve(externalDynamo(options.dynamodbEndpoint));
  return startLocalDynamo({ dir, host, port: options.dynamodbPort }).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'EADDRINUSE' ? portInUse(options.dynamodbPort, portVariable) : error;
  });
}

/** Loads the Lambdas (after their environment is set) and serves them. */
async function startGateway(
  config: AppConfig,
  host: string,
  options: LocalSystemOptions & { readonly cors: CorsPolicy },
  outputs: LocalOutputs,
): Promise<LocalGateway> {
  // Imported only now: like Lambda, they read their environment once, at cold start.
  const { handler: authorizer } = (await import('../../lambda/authorizer/index')) as { handler: AuthorizerFunction };
  const handlers = Object.fromEntries(
    await Promise.all(HANDLER_NAMES.map(async (name) => [name, (await HANDLER_MODULES[name]()).handler] as const)),
  ) as Record<HandlerName, ProxyHandler>;
  return createLocalGateway({
    routes: accessMap,
    authorizer,
    handlers,
    resultsCacheTtlSeconds: config.authorizer.resultsCacheTtlSeconds,
    api: { region: config.env.region, accountId: '000000000000', apiId: 'local', stage: config.api.stageName },
    cors: options.cors,
    accessLog: options.accessLog,
    staticRoutes: options.staticRoutes?.(outputs) ?? [],
  }).listen(options.apiPort, host);
}

/** Called after the gateway is closed: every write it acknowledged is already in the database. */
async function stopServices(services: { emulator: Emulator; dynamo?: LocalDynamo }): Promise<void> {
  await Promise.all([services.emulator.stop(), services.dynamo?.stop()]);
}

interface LambdaEndpoints {
  readonly emulatorEndpoint: string;
  readonly dynamodbEndpoint: string;
  readonly pool: ProvisionedPool;
  readonly tables: Readonly<Record<TableKey, string>>;
}

/** What the browser-facing functions need besides endpoints: redirect URIs and CORS origins. */
interface WebSettings {
  readonly callbackUrls: readonly string[];
  readonly allowedOrigins: readonly string[];
}

/**
 * One process hosts every Lambda, so the environment is the union of what the API construct gives
 * each function (built by the same functions), plus the loopback overrides for the emulator and dynalite.
 */
function configureLambdaEnvironment(config: AppConfig, endpoints: LambdaEndpoints, web: WebSettings): void {
  const { emulatorEndpoint, pool } = endpoints;
  const settings = {
    tokenEndpoint: `${emulatorEndpoint}/oauth2/token`,
    callbackUrls: [...new Set(web.callbackUrls)],
    allowedOrigins: web.allowedOrigins,
  };
  Object.assign(
    process.env,
    authorizerEnvironment(config, accessMap, {
      ...pool,
      machineClientIds: pool.machineClients.map((client) => client.clientId),
    }),
    ...HANDLER_NAMES.map((name) => handlerEnvironment(name, config, accessMap, pool, settings)),
    tableEnvironment(endpoints.tables),
    {
      [ENV.region]: config.env.region,
      [ENV.issuerOverride]: pool.issuer,
      [ENV.jwksUriOverride]: pool.jwksUri,
      [ENV.cognitoEndpoint]: emulatorEndpoint,
      [ENV.dynamodbEndpoint]: endpoints.dynamodbEndpoint,
    },
  );
}

/** The demo page's redirect URIs on the port actually used (registered besides the configured ones). */
export function callbackUrlsFor(apiPort: number): string[] {
  return [`http://localhost:${apiPort}/callback`, `http://127.0.0.1:${apiPort}/callback`];
}

/** Where the Hosted UI's sign-out may send the demo page back to, on the port actually used. */
export function logoutUrlsFor(apiPort: number): string[] {
  return [`http://localhost:${apiPort}/`, `http://127.0.0.1:${apiPort}/`];
}

/** The outputs the identity stack has when deployed; the rest are the API stack's. */
const IDENTITY_OUTPUTS: ReadonlySet<string> = new Set<keyof LocalOutputs>([
  'UserPoolId',
  'UserPoolClientId',
  'UserPoolProviderUrl',
  'JwksUri',
  'HostedUiUrl',
  'TokenEndpoint',
  'ResourceServerIdentifier',
  'MachineClientId',
  'IdentityPoolId',
  'AuthenticatedRoleArn',
  'CognitoIdentityEndpoint',
  'StsEndpoint',
]);

/** The shape `cdk deploy --outputs-file` writes: outputs grouped by stack name. */
function outputsByStack(config: AppConfig, outputs: LocalOutputs): Record<string, Record<string, string>> {
  const entries = Object.entries(outputs).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return {
    [resourceName(config, 'Identity')]: Object.fromEntries(entries.filter(([key]) => IDENTITY_OUTPUTS.has(key))),
    [resourceName(config, 'Api')]: Object.fromEntries(entries.filter(([key]) => !IDENTITY_OUTPUTS.has(key))),
  };
}

/** Written owner-only: it holds a client secret. */
function writeMachineClient(dir: string, pool: ProvisionedPool): string | undefined {
  const machine = pool.machineClients[0];
  if (!machine) return undefined;
  const file = path.join(dir, MACHINE_CLIENT_FILE);
  writeFileSync(file, `${JSON.stringify({ clientId: machine.clientId, clientSecret: machine.clientSecret })}\n`, {
    mode: 0o600,
  });
  chmodSync(file, 0o600); // writeFileSync's mode applies only to a file it creates
  return file;
}

function portInUse(port: number, variable: string): LocalStartError {
  return new LocalStartError(
    `Port ${port} is already in use: set ${variable} to a free port (e.g. ${variable}=${port + 100} npm start)`,
  );
}

function assertPortFree(host: string, port: number, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? portInUse(port, variable)
          : new LocalStartError(`Cannot listen on ${host}:${port} (${error.code}): set ${variable}`),
      ),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
