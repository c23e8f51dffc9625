/**
 * The CLI's commands. Each talks to the API (local or deployed) named by the outputs file
 * and keeps tokens in the token store.
 */
import { CliError } from './errors';
import { errorMessage, request, type ApiResponse } from './http';
import { safeJsonParse } from '../../lambda/shared/json';
import { decodeClaims, expiresAt } from '../../lambda/shared/unverified-claims';
import { readOutputs } from './outputs';
import type { SavedTokens, TokenStore } from './token-store';

export interface CliContext {
  readonly outputsFile: string;
  readonly store: TokenStore;
  readonly print: (text: string) => void;
}

/** Refresh this long before the access token's expiry, so a call does not race it. */
const EXPIRY_MARGIN_SECONDS = 30;
const REFRESH_COOKIE = /^refresh_token=([^;]+)/;

interface CognitoTokens {
  AccessToken: string;
  IdToken?: string;
  RefreshToken?: string;
}

export async function login(context: CliContext, username: string, password: string): Promise<void> {
  const { ApiUrl } = readOutputs(context.outputsFile);
  const response = await request(ApiUrl, 'POST', '/auth/login', { body: { username, password } });
  if (response.status !== 200) throw new CliError(`Login failed: ${errorMessage(response)}`);
  const tokens = response.body as CognitoTokens;
  saveTokens(context, ApiUrl, tokens.AccessToken, tokens.IdToken, tokens.RefreshToken);
  context.print(`Logged in as ${username}; tokens saved to ${context.store.file}`);
}

/** Saves tokens from the Hosted UI exchange (`/auth/token`): the refresh token comes as a cookie. */
export function saveHostedTokens(context: CliContext, apiUrl: string, response: ApiResponse): void {
  const body = response.body as { access_token: string; id_token?: string };
  const cookie = response.setCookies.map((value) => REFRESH_COOKIE.exec(value)?.[1]).find(Boolean);
  saveTokens(context, apiUrl, body.access_token, body.id_token, cookie);
}

export async function refresh(context: CliContext): Promise<SavedTokens> {
  const saved = context.store.load();
  if (!saved.refreshToken) throw new CliError('No refresh token saved: log in again');
  const response = await request(saved.apiUrl, 'POST', '/auth/refresh', { body: { refreshToken: saved.refreshToken } });
  if (response.status !== 200) {
    throw new CliError(`Refresh failed, the session has expired or was revoked (${errorMessage(response)}): log in again`);
  }
  const tokens = response.body as CognitoTokens;
  return saveTokens(context, saved.apiUrl, tokens.AccessToken, tokens.IdToken ?? saved.idToken, tokens.RefreshToken ?? saved.refreshToken);
}

export function whoami(context: CliContext): void {
  const saved = context.store.load();
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

export async function call(context: CliContext, method: string, path: string, data?: string): Promise<number> {
  const body = data === undefined ? undefined : safeJsonParse(data);
  if (data !== undefined && body === undefined) throw new CliError('--data is not valid JSON (quote it: --data \'{"key":"value"}\')');
  let saved = context.store.load();
  if (saved.expiresAt - EXPIRY_MARGIN_SECONDS <= Date.now() / 1000) saved = await refresh(context);
  const response = await request(saved.apiUrl, method.toUpperCase(), path, { body, bearer: saved.accessToken });
  context.print(typeof response.body === 'string' || response.body === undefined ? response.text : JSON.stringify(response.body, null, 2));
  if (response.status >= 400) throw new CliError(`${method.toUpperCase()} ${path}: ${errorMessage(response)}`);
  return response.status;
}

export function logout(context: CliContext): void {
  context.print(context.store.clear() ? `Logged out; removed ${context.store.file}` : 'Not logged in');
}

function saveTokens(context: CliContext, apiUrl: string, accessToken: string, idToken?: string, refreshToken?: string): SavedTokens {
  if (typeof accessToken !== 'string') throw new CliError('The API answered without an access token: is ApiUrl this project’s API?');
  const tokens: SavedTokens = { apiUrl, accessToken, idToken, refreshToken, expiresAt: expiresAt(accessToken) };
  context.store.save(tokens);
  return tokens;
}
