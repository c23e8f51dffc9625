/**
 * The client-credentials grant of the local token endpoint (cognito-local 5.3 has none), answering
 * as Cognito's `/oauth2/token` does: client authentication by HTTP Basic or `client_secret_post`,
 * optional `scope`, `{access_token, expires_in, token_type}`, RFC 6749 §5.2 errors, never cached.
 * The access token has the shape of Cognito's client-credentials tokens (`sub` = `client_id`,
 * `token_use` "access", `scope`, `version` 2, no `username`, no groups) and is signed with the
 * local Cognito's own key, so it verifies against the same JWKS as the user tokens.
 *
 * A pure entry point: the parsed form and headers in, `{status, headers, body}` out, so any HTTP
 * front can serve it (the local Cognito's `/oauth2/token`: lib/local/cognito/token-endpoint.ts).
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';

/** A machine client as provisioned into the emulator (lib/local/emulator.ts › ProvisionedMachineClient). */
export interface MachineClientRecord {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Full scope strings, `<resource server identifier>/<scope>`. */
  readonly allowedScopes: readonly string[];
  readonly accessTokenSeconds: number;
}

export interface ClientCredentialsIssuer {
  /** The `iss` of the emulator's tokens: `<endpoint>/<poolId>`. */
  readonly issuer: string;
  readonly clients: readonly MachineClientRecord[];
  /** Signs the access token's claims (RS256, with the `kid` of the key the JWKS serves). */
  readonly signer: { sign(claims: Readonly<Record<string, unknown>>): string };
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

export interface TokenRequest {
  /** The `application/x-www-form-urlencoded` body. */
  readonly form: URLSearchParams;
  /** Only `authorization` is read. */
  readonly headers: Readonly<Record<string, string | undefined>>;
}

export interface TokenAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export const CLIENT_CREDENTIALS = 'client_credentials';

/** RFC 6749 §5.1: token answers (and their errors) must not be cached. */
const NO_STORE = { 'Content-Type': 'application/json;charset=UTF-8', 'Cache-Control': 'no-store', Pragma: 'no-cache' };

type ErrorCode =
  'invalid_request' | 'invalid_client' | 'invalid_scope' | 'unauthorized_client' | 'unsupported_grant_type';

function error(status: number, code: ErrorCode, description: string, extra: Record<string, string> = {}): TokenAnswer {
  return {
    status,
    headers: { ...NO_STORE, ...extra },
    body: JSON.stringify({ error: code, error_description: description }),
  };
}

/**
 * Whether the request is one this grant answers: `grant_type=client_credentials`, or any grant
 * asked for by a machine client (which may use no other: `unauthorized_client`). The rest (the
 * user client's code and refresh grants) is the emulator's.
 */
export function isClientCredentialsRequest(request: TokenRequest, clients: readonly MachineClientRecord[]): boolean {
  if (request.form.get('grant_type') === CLIENT_CREDENTIALS) return true;
  const clientId = presentedClientId(request);
  return clients.some((client) => client.clientId === clientId);
}

/** The client id a token request presents (HTTP Basic, else the body's `client_id`), if any. */
function presentedClientId(request: TokenRequest): string | undefined {
  return basicCredentials(request.headers.authorization)?.clientId ?? request.form.get('client_id') ?? undefined;
}

/** Answers one token request for the client-credentials grant. */
export function clientCredentialsToken(request: TokenRequest, issuer: ClientCredentialsIssuer): TokenAnswer {
  const { form } = request;
  for (const name of ['grant_type', 'client_id', 'client_secret', 'scope'])
    if (form.getAll(name).length > 1) return error(400, 'invalid_request', `${name} is given more than once`);
  const credentials = clientCredentials(request);
  if ('answer' in credentials) return credentials.answer;
  const client = issuer.clients.find((candidate) => candidate.clientId === credentials.clientId);
  if (!client || !sameSecret(client.clientSecret, credentials.clientSecret)) {
    return error(401, 'invalid_client', 'Client authentication failed', credentials.basic ? BASIC_CHALLENGE : {});
  }
  const grantType = form.get('grant_type');
  if (!grantType) return error(400, 'invalid_request', 'grant_type is missing');
  if (grantType !== CLIENT_CREDENTIALS) {
    return KNOWN_GRANTS.has(grantType)
      ? error(400, 'unauthorized_client', `This client may not use the ${grantType} grant`)
      : error(400, 'unsupported_grant_type', 'Unsupported grant_type');
  }
  const scopes = grantedScopes(form.get('scope'), client);
  if (!scopes) return error(400, 'invalid_scope', 'A requested scope is unknown or not allowed for this client');
  const nowSeconds = Math.floor((issuer.now ?? Date.now)() / 1000);
  const accessToken = issuer.signer.sign({
    sub: client.clientId,
    token_use: 'access',
    scope: scopes.join(' '),
    auth_time: nowSeconds,
    iss: issuer.issuer,
    exp: nowSeconds + client.accessTokenSeconds,
    iat: nowSeconds,
    version: 2,
    jti: randomUUID(),
    client_id: client.clientId,
  });
  return {
    status: 200,
    headers: NO_STORE,
    body: JSON.stringify({ access_token: accessToken, expires_in: client.accessTokenSeconds, token_type: 'Bearer' }),
  };
}

const BASIC_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="token"' };
const KNOWN_GRANTS = new Set(['authorization_code', 'refresh_token', 'password', 'implicit']);

type Credentials =
  | { readonly clientId: string; readonly clientSecret: string; readonly basic: boolean }
  | { readonly answer: TokenAnswer };

/** RFC 6749 §2.3.1: HTTP Basic or the body's client_id/client_secret, never both. */
function clientCredentials(request: TokenRequest): Credentials {
  const header = request.headers.authorization;
  const postId = request.form.get('client_id');
  const postSecret = request.form.get('client_secret');
  if (header !== undefined) {
    const basic = basicCredentials(header);
    if (!basic) return { answer: error(401, 'invalid_client', 'Malformed Basic authentication', BASIC_CHALLENGE) };
    if (postSecret !== null)
      return { answer: error(400, 'invalid_request', 'Use one client authentication method, not two') };
    if (postId !== null && postId !== basic.clientId)
      return { answer: error(400, 'invalid_request', 'client_id differs from the authenticated client') };
    return { ...basic, basic: true };
  }
  if (postId === null || postSecret === null)
    return { answer: error(401, 'invalid_client', 'Client authentication failed') };
  return { clientId: postId, clientSecret: postSecret, basic: false };
}

/** `Basic base64(urlencoded id ":" urlencoded secret)`; undefined when malformed. */
function basicCredentials(header: string | undefined): { clientId: string; clientSecret: string } | undefined {
  const match = header === undefined ? null : /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(header.trim());
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon)),
      clientSecret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  } catch {
    return undefined;
  }
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The requested scopes (space-separated), each allowed; none requested: every allowed scope. Undefined: one is not. */
function grantedScopes(requested: string | null, client: MachineClientRecord): readonly string[] | undefined {
  const asked = [...new Set((requested ?? '').split(' ').filter((scope) => scope !== ''))];
  if (asked.length === 0) return client.allowedScopes;
  return asked.every((scope) => client.allowedScopes.includes(scope)) ? asked : undefined;
}
