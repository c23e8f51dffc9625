/**
 * `token --client-credentials`: a machine client's access token from the pool's token endpoint
 * (the `TokenEndpoint` output), saved like user tokens and reused until it expires — Cognito bills
 * every client-credentials token request. Local: the client's id and secret come from
 * `machine-client.json` beside the outputs file; deployed: `--client-secret` or `CLIENT_SECRET`.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MACHINE_CLIENT_FILE } from '../config/app-clients';
import { isLoopbackUrl } from '../contracts/runtime-env';
import { isJsonObject, safeJsonParse } from '../contracts/json';
import { expiresAt } from '../contracts/jwt-claims';
import type { CliContext } from './commands';
import { CliError } from './errors';
import { readOutputs, type StackOutputs } from './outputs';
import type { SavedTokens } from './token-store';

const TIMEOUT_MS = 10_000;
/** Not reused this close to its expiry, so a call does not race it. */
const EXPIRY_MARGIN_SECONDS = 30;

export interface MachineCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface MachineTokenOptions {
  /** Scope short names (`reviews.read`); none: every scope the client is allowed. */
  readonly scopes?: readonly string[];
  readonly clientId?: string;
  readonly clientSecret?: string;
}

/** The id and secret the local system wrote, or a one-line error saying what to do. */
export function localMachineCredentials(outputsFile: string): MachineCredentials {
  const file = path.join(path.dirname(outputsFile), MACHINE_CLIENT_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`No ${file}: start the local system (npm start), or pass --client-id and --client-secret`);
  }
  const parsed = safeJsonParse(text);
  if (!isJsonObject(parsed) || typeof parsed.clientId !== 'string' || typeof parsed.clientSecret !== 'string')
    throw new CliError(`${file} is not {"clientId","clientSecret"}: restart npm start to rewrite it`);
  return { clientId: parsed.clientId, clientSecret: parsed.clientSecret };
}

/** POST <TokenEndpoint> grant_type=client_credentials with HTTP Basic; the token and its lifetime in seconds. */
export async function requestMachineToken(
  tokenEndpoint: string,
  credentials: MachineCredentials,
  fullScopes: readonly string[] = [],
  signal?: AbortSignal,
): Promise<{ accessToken: string; expiresIn: number }> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (fullScopes.length > 0) form.set('scope', fullScopes.join(' '));
  const basic = Buffer.from(
    `${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`,
  ).toString('base64');
  let response: Response;
  try {
    response = await fetch(tokenEndpoint, {
      method: 'POST',
      headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]) : AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    signal?.throwIfAborted();
    throw new CliError(`Cannot reach the token endpoint ${tokenEndpoint}: is it the current TokenEndpoint output?`, {
      cause: error,
    });
  }
  const body = safeJsonParse(await response.text());
  if (response.status !== 200 || !isJsonObject(body) || typeof body.access_token !== 'string') {
    const code = isJsonObject(body) && typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
    throw new CliError(`The token endpoint refused the client-credentials request (${code}): ${hintFor(code)}`);
  }
  return { accessToken: body.access_token, expiresIn: typeof body.expires_in === 'number' ? body.expires_in : 0 };
}

function hintFor(code: string): string {
  if (code === 'invalid_client') return 'check the client id and secret (a rotated secret? see docs)';
  if (code === 'invalid_scope') return 'ask only for scopes the client is allowed (--scope reviews.read)';
  return 'is the client a machine client of this pool (MachineClientId)?';
}

/** Gets (or reuses) a machine token and saves it like user tokens; `call` then uses it. */
export async function machineTokenCommand(context: CliContext, options: MachineTokenOptions): Promise<void> {
  const outputs = readOutputs(context.outputsFile);
  const tokenEndpoint = outputs.TokenEndpoint;
  if (!tokenEndpoint)
    throw new CliError(`${context.outputsFile} has no TokenEndpoint output: redeploy or restart npm start`);
  const credentials = credentialsFor(context, outputs, options);
  const fullScopes = (options.scopes ?? []).map((scope) => fullScope(outputs, scope));
  const scope = fullScopes.join(' ');
  const reusable = reusableToken(context, outputs.ApiUrl, credentials.clientId, scope);
  if (reusable) {
    context.print(
      `Reusing the saved token of ${credentials.clientId} until ${new Date(reusable.expiresAt * 1000).toISOString()}`,
    );
    return;
  }
  const { accessToken } = await requestMachineToken(tokenEndpoint, credentials, fullScopes);
  const saved: SavedTokens = {
    apiUrl: outputs.ApiUrl,
    accessToken,
    expiresAt: expiresAt(accessToken),
    machine: { clientId: credentials.clientId, scope },
  };
  context.store.save(saved);
  context.print(`Token for machine client ${credentials.clientId} saved to ${context.store.file}`);
}

function credentialsFor(context: CliContext, outputs: StackOutputs, options: MachineTokenOptions): MachineCredentials {
  const clientSecret = options.clientSecret ?? (process.env.CLIENT_SECRET || undefined);
  const clientId = options.clientId ?? outputs.MachineClientId;
  if (clientSecret !== undefined) {
    if (!clientId) throw new CliError(`${context.outputsFile} has no MachineClientId output: pass --client-id`);
    return { clientId, clientSecret };
  }
  if (outputs.TokenEndpoint && isLoopbackUrl(outputs.TokenEndpoint)) {
    const local = localMachineCredentials(context.outputsFile);
    return options.clientId === undefined ? local : { clientId: options.clientId, clientSecret: local.clientSecret };
  }
  throw new CliError(
    'A deployed machine client needs its secret: pass --client-secret or set CLIENT_SECRET (aws cognito-idp describe-user-pool-client shows it)',
  );
}

function fullScope(outputs: StackOutputs, scope: string): string {
  if (scope.includes('/')) return scope;
  if (!outputs.ResourceServerIdentifier)
    throw new CliError('The outputs name no ResourceServerIdentifier: pass full scopes (<identifier>/<scope>)');
  return `${outputs.ResourceServerIdentifier}/${scope}`;
}

/** The saved token, if it is this client's, for these scopes and this API, and still valid for a while. */
function reusableToken(context: CliContext, apiUrl: string, clientId: string, scope: string): SavedTokens | undefined {
  let saved: SavedTokens;
  try {
    saved = context.store.load();
  } catch {
    return undefined;
  }
  const same = saved.apiUrl === apiUrl && saved.machine?.clientId === clientId && saved.machine.scope === scope;
  return same && saved.expiresAt - EXPIRY_MARGIN_SECONDS > Date.now() / 1000 ? saved : undefined;
}
