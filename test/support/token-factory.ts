/**
 * A real issuer for tests: RSA keys made here, a JWKS served over real HTTP on loopback,
 * and RS256 tokens signed with node:crypto. Nothing is mocked on the verifying side.
 */
import { createServer, type Server } from 'node:http';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: Record<string, unknown>;
}

export function makeSigningKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  return { kid, privateKey, publicJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } };
}

export const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** Signs any header and payload as given (tests need malformed ones too). */
export function signJwt(header: Record<string, unknown>, payload: unknown, key: SigningKey): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(signingInput), key.privateKey);
  return `${signingInput}.${base64url(signature)}`;
}

export interface JwksServer {
  readonly issuer: string;
  readonly jwksUri: string;
  /** Number of JWKS requests served so far. */
  readonly requests: number;
  /** Replace what the server answers (keys, status, delay, raw body). */
  respondWith(answer: JwksAnswer): void;
  close(): Promise<void>;
}

export interface JwksAnswer {
  keys?: SigningKey[];
  status?: number;
  delayMs?: number;
  rawBody?: string;
}

/** Serves `<issuer>/.well-known/jwks.json` on 127.0.0.1 with a random port. */
export async function startJwksServer(keys: SigningKey[], poolId = 'local_TestPool'): Promise<JwksServer> {
  let answer: JwksAnswer = { keys };
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests++;
    const current = answer;
    const reply = (): void => {
      if (request.url !== `/${poolId}/.well-known/jwks.json`) {
        response.writeHead(404).end();
        return;
      }
      const body = current.rawBody ?? JSON.stringify({ keys: (current.keys ?? []).map((key) => key.publicJwk) });
      response.writeHead(current.status ?? 200, { 'content-type': 'application/json' }).end(body);
    };
    if (current.delayMs) setTimeout(reply, current.delayMs);
    else reply();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}/${poolId}`;
  return {
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    get requests() {
      return requests;
    },
    respondWith(next) {
      answer = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface AccessTokenOptions {
  issuer: string;
  clientId: string;
  key: SigningKey;
  groups?: string[];
  sub?: string;
  username?: string;
  lifetimeSeconds?: number;
  /** Claims to add or override (undefined removes a claim). */
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
}

let counter = 0;

/** A Cognito-shaped access token (client_id, no aud, token_use access). */
export function accessToken(options: AccessTokenOptions): string {
  const now = Math.floor(Date.now() / 1000);
  counter++;
  const payload: Record<string, unknown> = {
    sub: options.sub ?? `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    ...(options.groups ? { 'cognito:groups': options.groups } : {}),
    iss: options.issuer,
    client_id: options.clientId,
    origin_jti: `origin-${counter}`,
    event_id: `event-${counter}`,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: now,
    exp: now + (options.lifetimeSeconds ?? 3600),
    iat: now,
    jti: `jti-${counter}`,
    username: options.username ?? `user-${counter}`,
  };
  for (const [name, value] of Object.entries(options.claims ?? {})) {
    if (value === undefined) delete payload[name];
    else payload[name] = value;
  }
  return signJwt({ kid: options.key.kid, alg: 'RS256', ...options.header }, payload, options.key);
}
