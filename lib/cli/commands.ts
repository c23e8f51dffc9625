/**
 * The CLI's commands. Each talks to the API (local or deployed) named by the outputs file
 * and keeps tokens in the token store. Answers are checked before they are used.
 */
import { CliError } from './errors';
import { errorMessage, parseHeaderFlags, request, type ApiResponse } from './http';
import { isJsonObject, safeJsonParse } from '../contracts/json';
import { decodeClaims, expiresAt } from '../contracts/jwt-claims';
import { readOutputs } from './outputs';
import type { SavedTokens, TokenStore } from './token-store';

export interface CliContext {
  readonly outputsFile: string;
  /** The outputs file was named (`--outputs` or OUTPUTS_FILE): commands on saved tokens must use that API. */
  readonly outputsExplicit: boolean;
  readonly store: TokenStore;
  readonly print: (text: string) => void;
  /** One line on stderr: something went wrong that does not stop the command. */
  readonly warn: (text: string) => void;
}

/** Refresh this long before the access token's expiry, so a call does not race it. */
const EXPIRY_MARGIN_SECONDS = 30;
const REFRESH_COOKIE = /^refresh_token=([^;]+)/;
export const LOGIN_AGAIN = 'log in again: npm run cli -- login --username U --password P (or login --hosted)';

/** The tokens of a token answer (RFC 6749 §5.1 names); the refresh token may come as a cookie instead. */
interface IssuedTokens {
  readonly accessToken: string;
  readonly idToken?: string;
  readonly refreshToken?: string;
}

/** Reads a token answer, or fails in one line: a 200 without an access token is not this project's API. */
export function issuedTokens(response: ApiResponse): IssuedTokens {
  const { body } = response;
  if (!isJsonObject(body) || typeof body.access_token !== 'string') {
    throw new CliError('The API answered without an access_token: is ApiUrl this project’s API?');
  }
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const cookie = response.setCookies.map((value) => REFRESH_COOKIE.exec(value)?.[1]).find(Boolean);
  return {
    accessToken: body.access_token,
    idToken: text(body.id_token),
    refreshToken: text(body.refresh_token) ?? cookie,
  };
}

export async function login(context: CliContext, username: string, password: string): Promise<void> {
  const { ApiUrl } = readOutputs(context.outputsFile);
  const response = await request(ApiUrl, 'POST', '/auth/login', { body: { username, password } });
  if (response.status !== 200) throw new CliError(`Login failed: ${errorMessage(response)}`);
  saveTokens(context, ApiUrl, issuedTokens(response));
  context.print(`Logged in as ${username}; tokens saved to ${context.store.file}`);
}

/** Saves tokens from the Hosted UI exchange (`/auth/token`): the refresh token comes as a cookie. */
export function saveHostedTokens(context: CliContext, apiUrl: string, response: ApiResponse): void {
  saveTokens(context, apiUrl, issuedTokens(response));
}

export async function refresh(context: CliContext, saved = loadSession(context)): Promise<SavedTokens> {
  if (!saved.refreshToken) throw new CliError(`No refresh token saved: ${LOGIN_AGAIN}`);
  const response = await request(saved.apiUrl, 'POST', '/auth/refresh', {
    body: { refresh_token: saved.refreshToken },
  });
  if (response.status !== 200) {
    throw new CliError(
      `Refresh failed, the session has expired or was revoked (${errorMessage(response)}): ${LOGIN_AGAIN}`,
    );
  }
  const tokens = issuedTokens(response);
  return saveTokens(context, saved.apiUrl, {
    ...tokens,
    idToken: tokens.idToken ?? saved.idToken,
    refreshToken: tokens.refreshToken ?? saved.refreshToken,
  });
}

export function whoami(context: CliContext): void {
  const saved = loadSession(context);
  const access = decodeClaims(saved.accessToken) ?? {};
  const identity = saved.idToken ? (decodeClaims(saved.idToken) ?? {}) : {};
  const expired = saved.expiresAt <= Date.now() / 1000;
  context.print(
    JSON.stringify(
      {
        sub: access.sub,
        username: access.username,
        email: identity.email,
        groups: access['cognito:groups'] ?? [],
        expiresAt: new Date(saved.expiresAt * 1000).toISOString(),
        expired,
        api: saved.apiUrl,
      },
      null,
      2,
    ),
  );
}

/** The saved tokens, refreshed first when the access token has (nearly) expired. */
export async function freshSession(context: CliContext): Promise<SavedTokens> {
  const saved = loadSession(context);
  if (saved.expiresAt - EXPIRY_MARGIN_SECONDS > Date.now() / 1000) return saved;
  if (saved.machine)
    throw new CliError('The machine token has expired: get a new one with npm run cli -- token --client-credentials');
  return refresh(context, saved);
}

export interface CallOptions {
  /** `--data`: JSON text. */
  readonly data?: string;
  /** `--header` values, each `Name: value`. */
  readonly headers?: readonly string[];
}

/** Calls the API; prints the ETag (if any) on its own line, then the body. */
export async function call(
  context: CliContext,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<number> {
  const { data } = options;
  const body = data === undefined ? undefined : safeJsonParse(data);
  if (data !== undefined && body === undefined)
    throw new CliError('--data is not valid JSON (quote it: --data \'{"key":"value"}\')');
  const headers = parseHeaderFlags(options.headers ?? []);
  const saved = await freshSession(context);
  const verb = method.toUpperCase();
  const response = await request(saved.apiUrl, verb, path, { body, bearer: saved.accessToken, headers });
  if (response.etag) context.print(`ETag: ${response.etag}`);
  context.print(
    typeof response.body === 'string' || response.body === undefined
      ? response.text
      : JSON.stringify(response.body, null, 2),
  );
  if (response.status === 401) {
    throw new CliError(
      `${verb} ${path}: the API rejected the saved access token (HTTP 401; expired, revoked, or from another user pool): ${LOGIN_AGAIN}`,
    );
  }
  if (response.status >= 400) throw new CliError(`${verb} ${path}: ${errorMessage(response)}`);
  return response.status;
}

/**
 * Revokes the session at the API (`POST /auth/logout`; `everywhere`: every session of the user),
 * then deletes the saved tokens whatever the API answered: a failure to revoke is one warning line.
 */
export async function logout(context: CliContext, everywhere: boolean): Promise<void> {
  let saved: SavedTokens | undefined;
  try {
    saved = context.store.load();
  } catch {
    // No file, or one that cannot be read: nothing to send, only something to delete.
    if (!context.store.clear()) {
      context.print('Not logged in');
      return;
    }
    context.warn(`warning: ${context.store.file} could not be read; it is deleted, but no session could be revoked`);
  }
  const problem = saved && (await revokeAtApi(context, saved, everywhere));
  context.store.clear();
  if (problem && saved) {
    context.warn(
      `warning: ${problem}; the local tokens are deleted, but the access token stays valid until ${new Date(saved.expiresAt * 1000).toISOString()}`,
    );
  }
  const revoked =
    saved && !problem ? (everywhere ? 'signed out of every session' : 'session revoked') : 'local tokens only';
  context.print(`Logged out (${revoked}); removed ${context.store.file}`);
}

/** Calls POST /auth/logout (refreshing an expired access token first); what went wrong, or `undefined`. */
async function revokeAtApi(context: CliContext, saved: SavedTokens, everywhere: boolean): Promise<string | undefined> {
  const what = everywhere ? 'could not sign out everywhere' : 'could not revoke the session';
  try {
    const current =
      saved.expiresAt - EXPIRY_MARGIN_SECONDS <= Date.now() / 1000 && saved.refreshToken
        ? await refresh(context, saved)
        : saved;
    // The API ends a session only with its refresh token (else the refresh token would keep working).
    if (!everywhere && !current.refreshToken)
      return `${what}: no refresh token is saved, and ending a session needs it (logout --everywhere ends every session)`;
    const body = {
      ...(current.refreshToken ? { refreshToken: current.refreshToken } : {}),
      ...(everywhere ? { everywhere: true } : {}),
    };
    const response = await request(current.apiUrl, 'POST', '/auth/logout', { body, bearer: current.accessToken });
    if (response.status === 200) return undefined;
    if (response.status === 401)
      return `${what}: the API no longer accepts the saved access token (expired, or already revoked)`;
    return `${what}: ${errorMessage(response)}`;
  } catch (error) {
    return `${what} (${error instanceof Error ? error.message : String(error)})`;
  }
}

/**
 * The saved tokens, for the API they were issued by. An outputs file named on the command line must
 * name that API: the tokens are never sent to another one, and the file is never silently ignored.
 */
function loadSession(context: CliContext): SavedTokens {
  const saved = context.store.load();
  if (context.outputsExplicit) {
    const { ApiUrl } = readOutputs(context.outputsFile);
    if (ApiUrl !== saved.apiUrl) {
      throw new CliError(
        `The saved tokens are for ${saved.apiUrl}, not ${ApiUrl} (${context.outputsFile}): log in to it first (login --outputs ${context.outputsFile} …)`,
      );
    }
  }
  return saved;
}

function saveTokens(context: CliContext, apiUrl: string, tokens: IssuedTokens): SavedTokens {
  const saved: SavedTokens = { apiUrl, ...tokens, expiresAt: expiresAt(tokens.accessToken) };
  context.store.save(saved);
  return saved;
}
