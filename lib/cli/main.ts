/**
 * `npm run cli -- <command>`: log in, refresh, inspect and call the API (local or deployed).
 *
 *   login --username U --password P   password login through POST /auth/login
 *   login --hosted [--port N]         Hosted UI + PKCE with a loopback redirect
 *   refresh                           new access/ID tokens from the saved refresh token
 *   whoami                            the saved tokens' claims (decoded, not verified)
 *   call METHOD PATH [--data JSON] [--header 'Name: value']...
 *                                     call the API with the access token (refreshes when expired);
 *                                     prints the answer's ETag, if any, then its body
 *   logout                            delete the saved tokens
 *
 * Options: --outputs FILE (env OUTPUTS_FILE; default $LOCAL_DIR/outputs.json, else ./outputs.json),
 *          --token-file FILE (env TOKENS_FILE; default $LOCAL_DIR/tokens.json, mode 0600).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { configFor } from '../config/app-config';
import { call, login, logout, refresh, whoami, type CliContext } from './commands';
import { CliError } from './errors';
import { hostedLogin } from './hosted-login';
import { TokenStore } from './token-store';

const USAGE = `usage: npm run cli -- <login --username U --password P | login --hosted | refresh | whoami | call METHOD PATH [--data JSON] [--header 'Name: value']... | logout>
  [--outputs FILE] [--token-file FILE]`;

interface ParsedArgs {
  readonly positional: string[];
  readonly flags: Map<string, string | true>;
  /** Values of the flags that may be given more than once, in order. */
  readonly repeated: Map<string, string[]>;
}

const VALUE_FLAGS = new Set(['username', 'password', 'data', 'outputs', 'token-file', 'port', 'timeout']);
const REPEATABLE_FLAGS = new Set(['header']);
const BOOLEAN_FLAGS = new Set(['hosted', 'help']);

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

async function run(argv: readonly string[]): Promise<void> {
  const { positional, flags, repeated } = parseArgs(argv);
  const [command, ...rest] = positional;
  const flag = (name: string): string | undefined => {
    const value = flags.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  if (!command || flags.has('help')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const config = configFor('dev');
  const localDir = process.env.LOCAL_DIR || config.local.dir;
  const context: CliContext = {
    outputsFile: flag('outputs') ?? process.env.OUTPUTS_FILE ?? defaultOutputsFile(localDir),
    store: new TokenStore(flag('token-file') ?? process.env.TOKENS_FILE ?? path.join(localDir, 'tokens.json'), (message) =>
      process.stderr.write(`${message}\n`),
    ),
    print: (text) => process.stdout.write(`${text}\n`),
  };

  switch (command) {
    case 'login': {
      if (flags.has('hosted')) {
        const port = Number(flag('port') ?? config.local.cliCallbackPort);
        const timeoutSeconds = Number(flag('timeout') ?? 300);
        if (!Number.isInteger(port) || port < 1 || port > 65535) throw new CliError('--port must be a port number');
        await hostedLogin(context, {
          port,
          timeoutSeconds,
          announce: (url) => process.stderr.write(`Open this URL in a browser to sign in:\n${url}\n`),
        });
        return;
      }
      const username = flag('username');
      const password = flag('password');
      if (!username || !password) throw new CliError('login needs --username and --password (or --hosted)');
      return login(context, username, password);
    }
    case 'refresh':
      await refresh(context);
      context.print('Tokens refreshed');
      return;
    case 'whoami':
      return whoami(context);
    case 'call': {
      const [method, apiPath] = rest;
      if (!method || !apiPath) throw new CliError('call needs METHOD and PATH, e.g. call GET /api/profile');
      await call(context, method, apiPath, { data: flag('data'), headers: repeated.get('header') });
      return;
    }
    case 'logout':
      return logout(context);
    default:
      throw new CliError(`Unknown command "${command}" (see --help)`);
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof CliError ? error.message : `Unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`cli: ${message}\n`);
  process.exitCode = 1;
});
