/**
 * The local Cognito (lib/local/cognito: cognito-local's user store with our own tokens, sessions and
 * OAuth/OIDC endpoints in front) as a child process, and its provisioning from the typed config.
 *
 * Facts about its tokens that the rest of the system relies on: RS256 with a key made for the state
 * directory (its kid is the key's thumbprint); issuer `http://<host>:<port>/<poolId>`; the JWKS at
 * `<issuer>/.well-known/jwks.json`. Access tokens carry `client_id`, no `aud`, `token_use`
 * "access", `username`, `origin_jti`, and `cognito:groups` only when the user is in a group. ID
 * tokens carry `aud`, `email`, `custom:role`, and the groups' `cognito:roles`/`cognito:preferred_role`
 * (each group gets a local role ARN, lib/config/identity-pool.ts). Token lifetimes follow the client's validity
 * settings, in seconds if asked (used by expiry tests).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  AdminGetUserCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  UpdateGroupCommand,
  UpdateUserPoolClientCommand,
  UserNotFoundException,
  type CognitoIdentityProviderClient,
  type UpdateUserPoolClientCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { accessMap, type RouteAccess } from '../contracts/access-map';
import { machineAppClient, userAppClient, type AppClientDefinition } from '../config/app-clients';
import { ENV, jwksUriFor } from '../contracts/runtime-env';
import type { AppConfig } from '../config/app-config';
import { localRoleArn } from '../config/identity-pool';
import { createCognitoClient } from '../clients/cognito-client';
import { createUser, setPasswordAndGroups } from '../cognito/users';
import { ensureIdentityPool } from './identity-pool';
import type { SeedUser } from './seed-users';

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 1500;

export interface Emulator {
  /** e.g. `http://127.0.0.1:9229` */
  readonly endpoint: string;
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  /** State directory; the emulator keeps its data in `<dir>/cognito/.cognito`. */
  readonly dir: string;
  readonly host: string;
  readonly port: number;
  /**
   * The region in identity pool and identity ids.
   * @default us-east-1
   */
  readonly region?: string;
}

export class EmulatorError extends Error {
  readonly name = 'EmulatorError';
}

/** Starts the local Cognito as a child process and waits until it answers. */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const cwd = path.join(options.dir, 'cognito');
  mkdirSync(path.join(cwd, '.cognito'), { recursive: true });
  const endpoint = `http://${options.host}:${options.port}`;
  writeFileSync(
    path.join(cwd, '.cognito', 'config.json'),
    `${JSON.stringify({ UserPoolDefaults: { UsernameAttributes: [] } }, null, 2)}\n`,
  );
  const logFd = openSync(path.join(options.dir, 'cognito.log'), 'a');
  // TypeScript run as the package scripts run it (tsx), with the state directory as working directory.
  const program = ['--import', pathToFileURL(require.resolve('tsx')).href, path.join(__dirname, 'cognito', 'main.ts')];
  const child = spawn(process.execPath, program, {
    cwd,
    env: { ...process.env, PORT: String(options.port), HOST: options.host, AWS_REGION: options.region ?? 'us-east-1' },
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitUntilHealthy(endpoint, child);
  } catch (error) {
    child.kill('SIGKILL');
    process.off('exit', killOnExit);
    throw error;
  }
  return {
    endpoint,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitUntilHealthy(endpoint: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new EmulatorError(
        `The Cognito emulator exited with code ${child.exitCode} (see cognito.log in the state directory)`,
      );
    }
    try {
      const response = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new EmulatorError(`The Cognito emulator did not answer on ${endpoint} within ${START_TIMEOUT_MS / 1000} s`);
}

export interface ProvisionOptions {
  readonly endpoint: string;
  readonly config: AppConfig;
  readonly users: readonly SeedUser[];
  /** Callback URLs to register besides the configured ones (e.g. the actual local port). */
  readonly extraCallbackUrls?: readonly string[];
  /** Sign-out URLs to register besides the configured ones (the demo page on the actual local port). */
  readonly extraLogoutUrls?: readonly string[];
  /** Access token lifetime in seconds instead of the configured minutes (expiry tests). */
  readonly accessTokenSeconds?: number;
  /**
   * The routes whose scopes machine clients get by default.
   * @default the access map
   */
  readonly routes?: readonly RouteAccess[];
}

interface ProvisionedClient {
  readonly clientId: string;
  readonly clientSecret: string | undefined;
}

/** What the local token endpoint needs to know of a machine client (lib/local/client-credentials.ts). */
export interface ProvisionedMachineClient {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Full scope strings, `<resource server identifier>/<scope>`. */
  readonly allowedScopes: readonly string[];
  readonly accessTokenSeconds: number;
}

export interface ProvisionedPool {
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  /** In config order. */
  readonly machineClients: readonly ProvisionedMachineClient[];
  readonly issuer: string;
  readonly jwksUri: string;
  /** The local identity pool (lib/local/identity-pool.ts); Cognito Identity and STS are served at `endpoint`. */
  readonly identityPoolId: string;
}

/**
 * Creates the pool, client, groups and users from the config, or brings existing ones
 * (found by name) up to date: running it again on the same state converges, never fails.
 */
export async function provision(options: ProvisionOptions): Promise<ProvisionedPool> {
  const { config } = options;
  const client = createCognitoClient({ [ENV.cognitoEndpoint]: options.endpoint }, config.env.region);
  try {
    const userPoolId = await ensureUserPool(client, config);
    const userClient = await ensureAppClient(client, userPoolId, localUserClient(options));
    const machineClients: ProvisionedMachineClient[] = [];
    for (const machine of config.machineClients) {
      const definition = machineAppClient(config, machine, options.routes ?? accessMap);
      const { clientId, clientSecret } = await ensureAppClient(client, userPoolId, definition);
      if (!clientSecret) throw new EmulatorError(`The emulator kept no secret for the machine client ${machine.name}`);
      machineClients.push({
        clientId,
        clientSecret,
        allowedScopes: definition.AllowedOAuthScopes,
        accessTokenSeconds: machine.accessTokenMinutes * 60,
      });
    }
    await ensureGroups(client, userPoolId, config);
    for (const user of options.users) await ensureUser(client, userPoolId, user);
    const issuer = `${options.endpoint}/${userPoolId}`;
    return {
      userPoolId,
      userPoolClientId: userClient.clientId,
      machineClients,
      issuer,
      jwksUri: jwksUriFor(issuer),
      identityPoolId: await ensureIdentityPool(options.endpoint, config, {
        issuer,
        userPoolClientId: userClient.clientId,
      }),
    };
  } finally {
    client.destroy();
  }
}

async function ensureUserPool(client: CognitoIdentityProviderClient, config: AppConfig): Promise<string> {
  const pools = await client.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  const existing = pools.UserPools?.find((pool) => pool.Name === config.userPool.name);
  if (existing?.Id) return existing.Id;
  const created = await client.send(
    new CreateUserPoolCommand({
      PoolName: config.userPool.name,
      Schema: [
        { Name: 'email', AttributeDataType: 'String', Required: true, Mutable: true },
        ...config.userPool.customAttributes.map((name) => ({
          Name: name,
          AttributeDataType: 'String' as const,
          Mutable: true,
        })),
      ],
    }),
  );
  return created.UserPool!.Id!;
}

/** The user client's definition, with this run's extra redirect URLs and, for expiry tests, an access token lifetime in seconds. */
function localUserClient(options: ProvisionOptions): AppClientDefinition {
  const definition = userAppClient(options.config);
  return {
    ...definition,
    CallbackURLs: [...new Set([...(definition.CallbackURLs ?? []), ...(options.extraCallbackUrls ?? [])])],
    LogoutURLs: [...new Set([...(definition.LogoutURLs ?? []), ...(options.extraLogoutUrls ?? [])])],
    ...(options.accessTokenSeconds
      ? {
          AccessTokenValidity: options.accessTokenSeconds,
          TokenValidityUnits: { ...definition.TokenValidityUnits, AccessToken: 'seconds' as const },
        }
      : {}),
  };
}

/** Creates the client (found by name) if missing, then applies the whole definition, so a restart converges. */
async function ensureAppClient(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  definition: AppClientDefinition,
): Promise<ProvisionedClient> {
  const clients = await client.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }));
  let clientId = clients.UserPoolClients?.find((appClient) => appClient.ClientName === definition.ClientName)?.ClientId;
  const { GenerateSecret, ...settings } = definition;
  if (!clientId) {
    const created = await client.send(
      new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: definition.ClientName, GenerateSecret }),
    );
    clientId = created.UserPoolClient!.ClientId!;
  }
  const input = { ...settings, UserPoolId: userPoolId, ClientId: clientId } as UpdateUserPoolClientCommandInput;
  const updated = await client.send(new UpdateUserPoolClientCommand(input));
  return { clientId, clientSecret: updated.UserPoolClient?.ClientSecret };
}

async function ensureGroups(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  config: AppConfig,
): Promise<void> {
  const existing = new Set(
    (await client.send(new ListGroupsCommand({ UserPoolId: userPoolId }))).Groups?.map((group) => group.GroupName),
  );
  for (const group of config.groups) {
    const input = {
      UserPoolId: userPoolId,
      GroupName: group.name,
      Precedence: group.precedence,
      Description: group.description,
      RoleArn: localRoleArn(config, group.name),
    };
    await client.send(existing.has(group.name) ? new UpdateGroupCommand(input) : new CreateGroupCommand(input));
  }
}

async function ensureUser(client: CognitoIdentityProviderClient, userPoolId: string, user: SeedUser): Promise<void> {
  const exists = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: user.email })).then(
    () => true,
    (error: unknown) => {
      if (error instanceof UserNotFoundException) return false;
      throw error;
    },
  );
  const wanted = { ...user, attributes: { 'custom:role': user.role } };
  await (exists ? setPasswordAndGroups(client, userPoolId, wanted) : createUser(client, userPoolId, wanted));
}
