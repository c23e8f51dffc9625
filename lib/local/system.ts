/**
 * The whole system on one machine: the Cognito emulator, provisioned from the typed config,
 * and the local gateway serving the access map with the real authorizer and handlers.
 * The Lambdas are configured exactly as in AWS, through their environment variables
 * (lib/config/runtime-env.ts); only the loopback overrides differ.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { accessMap, type HandlerName } from '../config/access-map';
import { configFor, resourceName, type AppConfig } from '../config/app-config';
import { authorizerEnvironment, handlerEnvironment } from '../config/function-environment';
import { corsPolicy, localAllowedOrigins } from '../config/cors';
import { ENV } from '../config/runtime-env';
import { provision, startEmulator, type ProvisionedPool } from './emulator';
import { createLocalGateway, type AuthorizerFunction, type LocalGateway, type ProxyHandler, type StaticRoute } from './gateway';
import { seedUsers } from './seed-users';

export interface LocalSystemOptions {
  readonly config?: AppConfig;
  readonly host?: string;
  readonly apiPort: number;
  readonly cognitoPort: number;
  /** State directory (emulator data, outputs.json, logs). */
  readonly dir: string;
  /** Names of the variables that set the ports, for error messages. */
  readonly portVariables?: { readonly api: string; readonly cognito: string };
  readonly accessLog?: (line: string) => void;
  readonly staticRoutes?: (outputs: LocalOutputs) => readonly StaticRoute[];
}

/** The same keys as the deployed stacks' outputs. */
export interface LocalOutputs {
  readonly UserPoolId: string;
  readonly UserPoolClientId: string;
  readonly UserPoolProviderUrl: string;
  readonly JwksUri: string;
  readonly ApiUrl: string;
  readonly HostedUiUrl: string;
  readonly TokenEndpoint: string;
}

export interface LocalSystem {
  readonly outputs: LocalOutputs;
  readonly outputsFile: string;
  readonly gateway: LocalGateway;
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

const HANDLER_NAMES = Object.keys(HANDLER_MODULES) as HandlerName[];

export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const config = options.config ?? configFor('dev');
  const host = options.host ?? config.local.host;
  const variables = options.portVariables ?? { api: 'API_PORT', cognito: 'COGNITO_PORT' };
  await assertPortFree(host, options.apiPort, variables.api);
  await assertPortFree(host, options.cognitoPort, variables.cognito);

  const dir = path.resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const emulator = await startEmulator({ dir, host, port: options.cognitoPort });
  try {
    const extraCallbackUrls = callbackUrlsFor(options.apiPort);
    const pool = await provision({
      endpoint: emulator.endpoint,
      config,
      users: seedUsers,
      extraCallbackUrls,
    });
    const cors = corsPolicy(localAllowedOrigins(config.api.allowedOrigins, options.apiPort), accessMap);
    configureLambdaEnvironment(config, emulator.endpoint, pool, [...config.hostedUi.callbackUrls, ...extraCallbackUrls], cors.allowOrigins);

    // Imported only now: like Lambda, they read their environment once, at cold start.
    const { handler: authorizer } = (await import('../../lambda/authorizer/index')) as { handler: AuthorizerFunction };
    const handlers = Object.fromEntries(
      await Promise.all(
        HANDLER_NAMES.map(async (name) => [name, (await HANDLER_MODULES[name]()).handler] as const),
      ),
    ) as Record<HandlerName, ProxyHandler>;

    const apiUrl = `http://${host}:${options.apiPort}`;
    const outputs: LocalOutputs = {
      UserPoolId: pool.userPoolId,
      UserPoolClientId: pool.userPoolClientId,
      UserPoolProviderUrl: pool.issuer,
      JwksUri: pool.jwksUri,
      ApiUrl: apiUrl,
      HostedUiUrl: emulator.endpoint,
      TokenEndpoint: `${emulator.endpoint}/oauth2/token`,
    };
    const gateway = await createLocalGateway({
      routes: accessMap,
      authorizer,
      handlers,
      resultsCacheTtlSeconds: config.authorizer.resultsCacheTtlSeconds,
      api: { region: config.env.region, accountId: '000000000000', apiId: 'local', stage: config.api.stageName },
      cors,
      accessLog: options.accessLog,
      staticRoutes: options.staticRoutes?.(outputs),
    })
      .listen(options.apiPort, host)
      .catch((error: NodeJS.ErrnoException) => {
        throw error.code === 'EADDRINUSE' ? portInUse(options.apiPort, variables.api) : error;
      });

    const outputsFile = path.join(dir, 'outputs.json');
    writeFileSync(outputsFile, `${JSON.stringify(outputsByStack(config, outputs), null, 2)}\n`);
    return {
      outputs,
      outputsFile,
      gateway,
      async stop() {
        await gateway.close();
        await emulator.stop();
      },
    };
  } catch (error) {
    await emulator.stop();
    throw error;
  }
}

/**
 * One process hosts every Lambda, so the environment is the union of what the API construct gives
 * each function (built by the same functions), plus the loopback overrides for the emulator.
 */
function configureLambdaEnvironment(
  config: AppConfig,
  emulatorEndpoint: string,
  pool: ProvisionedPool,
  callbackUrls: readonly string[],
  allowedOrigins: readonly string[],
): void {
  const settings = { tokenEndpoint: `${emulatorEndpoint}/oauth2/token`, callbackUrls: [...new Set(callbackUrls)], allowedOrigins };
  Object.assign(
    process.env,
    authorizerEnvironment(config, accessMap, pool),
    ...HANDLER_NAMES.map((name) => handlerEnvironment(name, config, pool, settings)),
    {
      [ENV.region]: config.env.region,
      [ENV.issuerOverride]: pool.issuer,
      [ENV.jwksUriOverride]: pool.jwksUri,
      [ENV.cognitoEndpoint]: emulatorEndpoint,
    },
  );
}

/** The demo page's redirect URIs on the port actually used (registered besides the configured ones). */
export function callbackUrlsFor(apiPort: number): string[] {
  return [`http://localhost:${apiPort}/callback`, `http://127.0.0.1:${apiPort}/callback`];
}

/** The shape `cdk deploy --outputs-file` writes: outputs grouped by stack name. */
function outputsByStack(config: AppConfig, outputs: LocalOutputs): Record<string, Partial<LocalOutputs>> {
  const { ApiUrl, ...identity } = outputs;
  return { [resourceName(config, 'Identity')]: identity, [resourceName(config, 'Api')]: { ApiUrl } };
}

function portInUse(port: number, variable: string): LocalStartError {
  return new LocalStartError(`Port ${port} is already in use: set ${variable} to a free port (e.g. ${variable}=${port + 100} npm start)`);
}

function assertPortFree(host: string, port: number, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? portInUse(port, variable) : new LocalStartError(`Cannot listen on ${host}:${port} (${error.code}): set ${variable}`)),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
