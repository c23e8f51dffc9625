/**
 * The Hosted UI's `/oauth2/authorize` (authorization code flow, PKCE S256, OIDC `nonce`): the
 * request is checked as Cognito checks it, a sign-in form is shown, and a good sign-in redirects
 * to the registered `redirect_uri` with a one-use code (5 minutes) and the `state`.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppClient } from 'cognito-local/lib/services/appClient';
import type { CognitoService } from 'cognito-local/lib/services/cognitoService';
import type { Context } from 'cognito-local/lib/services/context';
import { escapeHtml, OAuthError, readBody, redirect, sendHtml, sendOAuthError } from './http';

/** What a code stands for until it is redeemed at the token endpoint. */
export interface AuthorizationCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly username: string;
  readonly scopes: readonly string[];
  readonly codeChallenge?: string;
  readonly nonce?: string;
  readonly expiresAtMs: number;
}

export interface CodeStore {
  create(grant: Omit<AuthorizationCode, 'expiresAtMs'>): string;
  /** The grant of a code, once: a second redemption finds nothing. */
  take(code: string): AuthorizationCode | undefined;
}

const CODE_LIFETIME_MS = 5 * 60_000;

export function createCodeStore(nowMs: () => number): CodeStore {
  const codes = new Map<string, AuthorizationCode>();
  return {
    create(grant) {
      for (const [code, entry] of codes) if (entry.expiresAtMs <= nowMs()) codes.delete(code);
      const code = randomBytes(24).toString('base64url');
      codes.set(code, { ...grant, expiresAtMs: nowMs() + CODE_LIFETIME_MS });
      return code;
    },
    take(code) {
      const entry = codes.get(code);
      codes.delete(code);
      return entry && entry.expiresAtMs > nowMs() ? entry : undefined;
    },
  };
}

/** The parameters of an authorization request that the form carries through the sign-in. */
const CARRIED = [
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
];

interface CheckedRequest {
  readonly client: AppClient;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly query: URLSearchParams;
}

/**
 * Checks a request as Cognito does: a bad client or redirect URI is answered here (400); anything
 * else wrong goes back to the app as `error` on its redirect URI.
 */
async function checkRequest(
  ctx: Context,
  cognito: CognitoService,
  query: URLSearchParams,
): Promise<CheckedRequest | URL> {
  const client = await cognito.getAppClient(ctx, query.get('client_id') ?? '');
  if (!client) throw new OAuthError(400, 'invalid_request', 'client_id is not an app client of this pool');
  const redirectUri = query.get('redirect_uri') ?? '';
  if (!(client.CallbackURLs ?? []).includes(redirectUri))
    throw new OAuthError(400, 'redirect_mismatch', 'redirect_uri is not a registered callback URL of the app client');
  const back = (error: string, description: string): URL => {
    const url = new URL(redirectUri);
    url.searchParams.set('error', error);
    url.searchParams.set('error_description', description);
    if (query.get('state')) url.searchParams.set('state', query.get('state')!);
    return url;
  };
  if (query.get('response_type') !== 'code') return back('unsupported_response_type', 'response_type must be code');
  if (!client.AllowedOAuthFlowsUserPoolClient || !(client.AllowedOAuthFlows ?? []).includes('code'))
    return back('unauthorized_client', 'The app client does not allow the code flow');
  const allowed = client.AllowedOAuthScopes ?? [];
  const requested = (query.get('scope') ?? '').split(' ').filter(Boolean);
  if (requested.some((scope) => !allowed.includes(scope)))
    return back('invalid_scope', 'A requested scope is not allowed');
  if (query.get('code_challenge') && query.get('code_challenge_method') !== 'S256')
    return back('invalid_request', 'code_challenge_method must be S256');
  return { client, redirectUri, scopes: requested.length > 0 ? requested : allowed, query };
}

function loginForm(query: URLSearchParams, error?: string): string {
  const hidden = CARRIED.filter((name) => query.has(name))
    .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(query.get(name)!)}">`)
    .join('\n  ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in</title>
<style>body{font:15px system-ui,sans-serif;max-width:24rem;margin:3rem auto}label{display:block;margin:.5rem 0}</style></head>
<body><h1>Sign in</h1>
${error ? `<p role="alert" style="color:#b00">${escapeHtml(error)}</p>` : ''}
<form method="POST" action="/oauth2/authorize">
  ${hidden}
  <label>Username <input type="text" name="username" autocomplete="username"></label>
  <label>Password <input type="password" name="password" autocomplete="current-password"></label>
  <button type="submit">Sign in</button>
</form></body></html>
`;
}

export interface AuthorizeDeps {
  readonly cognito: CognitoService;
  readonly codes: CodeStore;
}

/** GET shows the form for a good request; POST checks the credentials and redirects with a code. */
export async function authorize(
  ctx: Context,
  deps: AuthorizeDeps,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const query =
    request.method === 'POST'
      ? new URLSearchParams(await readBody(request))
      : new URL(request.url ?? '/', 'http://localhost').searchParams;
  let checked: CheckedRequest | URL;
  try {
    checked = await checkRequest(ctx, deps.cognito, query);
  } catch (error) {
    if (error instanceof OAuthError) return sendOAuthError(response, error);
    throw error;
  }
  if (checked instanceof URL) return redirect(response, checked.href);
  if (request.method !== 'POST') return sendHtml(response, 200, loginForm(query));

  const pool = await deps.cognito.getUserPoolForClientId(ctx, checked.client.ClientId);
  const user = await pool.getUserByUsername(ctx, query.get('username') ?? '');
  if (!user || user.Password !== query.get('password') || !user.Enabled)
    return sendHtml(response, 200, loginForm(query, 'Incorrect username or password.'));
  if (user.UserStatus !== 'CONFIRMED')
    return sendHtml(
      response,
      200,
      loginForm(query, `Sign-in needs ${user.UserStatus}: set a permanent password first.`),
    );
  const code = deps.codes.create({
    clientId: checked.client.ClientId,
    redirectUri: checked.redirectUri,
    username: user.Username,
    scopes: checked.scopes,
    codeChallenge: query.get('code_challenge') ?? undefined,
    nonce: query.get('nonce') ?? undefined,
  });
  const target = new URL(checked.redirectUri);
  target.searchParams.set('code', code);
  if (query.get('state')) target.searchParams.set('state', query.get('state')!);
  redirect(response, target.href);
}
