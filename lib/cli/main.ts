/**
 * `npm run cli -- <command>`: log in, refresh, inspect and call the API (local or deployed).
 * USAGE below is the reference; `help`/`--help` print it (exit 0), no command prints it to stderr (exit 1).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { configFor } from '../config/app-config';
import { machineTokenCommand } from './client-credentials';
import { call, login, logout, refresh, whoami, type CliContext } from './commands';
import { credentialsCommand } from './credentials';
import { CliError } from './errors';
import { hostedLogin } from './hosted-login';
import { TokenStore } from './token-store';

const DEFAULT_TIMEOUT_SECONDS = 300;
const MAX_TIMEOUT_SECONDS = 3600;

const USAGE = `usage: npm run cli -- <command> [options]

commands:
  login --username U --password P   log in with a password (POST /auth/login)
  login --hosted [--port N] [--timeout S]
                                    log in through the Hosted UI (authorization code + PKCE); the browser
                                    returns to http://localhost:N/callback, which must be a registered
                                    callback URL (N: default ${configFor('dev').local.cliCallbackPort}); gives up after S seconds (default ${DEFAULT_TIMEOUT_SECONDS})
  token --client-credentials [--scope S]... [--client-id ID --client-secret SECRET]
                                    a machine client's access token (client-credentials grant at the
                                    TokenEndpoint output), saved like user tokens and reused until it
                                    expires (Cognito bills each request); S: a scope short name (e.g.
                                    reviews.read; default: every scope the client is allowed); local: the
                                    client from $LOCAL_DIR/machine-client.json; deployed: MachineClientId and
                                    --client-secret or env CLIENT_SECRET
  refresh                           new access/ID tokens from the saved refresh token
  whoami                            the saved tokens' claims (decoded, not verified)
  credentials [--show-secret]       the AWS credentials the identity pool gives the saved user: role ARN,
                                    identity id, expiry, access key id (the secret key and session token
                                    only with --show-secret)
  call METHOD PATH [--data JSON] [--header 'Name: value']...
                                    call the API with the saved access token (refreshed first when expired);
                                    prints the answer's ETag, if any, then its body; --header may repeat
  logout [--everywhere]             revoke the session at the API (POST /auth/logout; --everywhere: every
                                    session of the user), then delete the saved tokens (even if the API
                                    cannot be reached: a one-line warning says so)
  help                              this text (also --help)

options:
  --outputs FILE      the API to use: the outputs of \`npm start\` or \`cdk deploy --outputs-file\`
                      (env OUTPUTS_FILE; default $LOCAL_DIR/outputs.json, else ./outputs.json)
  --token-file FILE   where tokens are kept, mode 0600 (env TOKENS_FILE; default $LOCAL_DIR/tokens.json)`;

interface ParsedArgs {
  readonly positional: string[];
  readonly flags: Map<string, string | true>;
  /** Values of the flags that may be given more than once, in order. */
  readonly repeated: Map<string, string[]>;
}

const VALUE_FLAGS = new Set([
  'username',
  'password',
  'data',
  'outputs',
  'token-file',
  'port',
  'timeout',
  'client-id',
  'client-secret',
]);
const REPEATABLE_FLAGS = new Set(['header', 'scope']);
const BOOLEAN_FLAGS = new Set(['hosted', 'help', 'everywhere', 'client-credentials', 'show-secret']);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  const repeated = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (BOOLEAN_FLAGS.has(name)) flags.set(name, true);
    else if (VALUE_FLAGS.has(name) || REPEATABLE_FLAGS.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new CliError(`--${name} needs a value (see --help)`);
      if (REPEATABLE_FLAGS.has(name)) repeated.set(name, [...(repeated.get(name) ?? []), value]);
      else flags.set(name, value);
    } else throw new CliError(`Unknown option --${name} (see --help)`);
  }
  return { positional, flags, repeated };
}

function defaultOutputsFile(localDir: string): string {
  const local = path.join(localDir, 'outputs.json');
  return existsSync(local) || !existsSync('outputs.json') ? local : 'outputs.json';
}

function contextFrom(flag: (name: string) => string | undefined): CliContext {
  const localDir = process.env.LOCAL_DIR || configFor('dev').local.dir;
  const named = flag('outputs') ?? (process.env.OUTPUTS_FILE || undefined);
  return {
    outputsFile: named ?? defaultOutputsFile(localDir),
    outputsExplicit: named !== undefined,
    store: new TokenStore(
      flag('token-file') ?? (process.env.TOKENS_FILE || path.join(localDir, 'tokens.json')),
      (message) => process.stderr.write(`${message}\n`),
    ),
    print: (text) => process.stdout.write(`${text}\n`),
    warn: (text) => process.stderr.write(`${text}\n`),
  };
}

/** A whole number from `min` to `max`, or a one-line error naming the flag. */
function integerFlag(value: string | undefined, fallback: number, name: string, [min, max]: [number, number]): number {
  const number = Number(value ?? fallback);
  if (!Number.isInteger(number) || number < min || number > max)
    throw new CliError(`--${name} must be a whole number from ${min} to ${max}`);
  return number;
}

async function loginCommand(
  context: CliContext,
  flag: (name: string) => string | undefined,
  hosted: boolean,
): Promise<void> {
  if (hosted) {
    await hostedLogin(context, {
      port: integerFlag(flag('port'), configFor('dev').local.cliCallbackPort, 'port', [1, 65535]),
      timeoutSeconds: integerFlag(flag('timeout'), DEFAULT_TIMEOUT_SECONDS, 'timeout', [1, MAX_TIMEOUT_SECONDS]),
      announce: (url) => process.stderr.write(`Open this URL in a browser to sign in:\n${url}\n`),
    });
    return;
  }
  const username = flag('username');
  const password = flag('password');
  if (!username || !password) throw new CliError('login needs --username and --password (or --hosted)');
  await login(context, username, password);
}

async function run(argv: readonly string[]): Promise<void> {
  const { positional, flags, repeated } = parseArgs(argv);
  const [command, ...rest] = positional;
  const flag = (name: string): string | undefined => {
    const value = flags.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  if (command === 'help' || flags.has('help')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!command) {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 1;
    return;
  }
  const context = contextFrom(flag);
  switch (command) {
    case 'login':
      return loginCommand(context, flag, flags.has('hosted'));
    case 'token':
      if (!flags.has('client-credentials')) throw new CliError('token needs --client-credentials (see --help)');
      return machineTokenCommand(context, {
        scopes: repeated.get('scope'),
        clientId: flag('client-id'),
        clientSecret: flag('client-secret'),
      });
    case 'refresh':
      await refresh(context);
      context.print('Tokens refreshed');
      return;
    case 'whoami':
      return whoami(context);
    case 'credentials':
      return credentialsCommand(context, flags.has('show-secret'));
    case 'call': {
      const [method, apiPath] = rest;
      if (!method || !apiPath) throw new CliError('call needs METHOD and PATH, e.g. call GET /api/profile');
      await call(context, method, apiPath, { data: flag('data'), headers: repeated.get('header') });
      return;
    }
    case 'logout':
      return logout(context, flags.has('everywhere'));
    default:
      throw new CliError(`Unknown command "${command}" (see --help)`);
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  const message =
    error instanceof CliError
      ? error.message
      : `Unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`cli: ${message}\n`);
  process.exitCode = 1;
});
