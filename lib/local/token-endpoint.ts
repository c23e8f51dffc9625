/**
 * The local `POST /oauth2/token` (the `TokenEndpoint` output), served by the local gateway beside
 * the Hosted UI's `/logout` (pages.ts): client-credentials requests are answered by
 * client-credentials.ts, every other one (the user client's code and refresh grants) is passed to
 * the emulator's own `/oauth2/token` unchanged.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  clientCredentialsToken,
  isClientCredentialsRequest,
  type ClientCredentialsIssuer,
  type TokenAnswer,
} from './client-credentials';
import type { StaticRoute } from './gateway';
import { parseRequestTarget } from './routing';

export const TOKEN_ENDPOINT_PATH = '/oauth2/token';
/** A token request is a few hundred bytes; anything far larger is not one. */
const MAX_FORM_BYTES = 16 * 1024;
const FORWARD_TIMEOUT_MS = 5000;

export interface TokenEndpointOptions extends ClientCredentialsIssuer {
  /** The emulator's `/oauth2/token`, for the other grants. */
  readonly emulatorTokenEndpoint: string;
}

export function tokenEndpointRoute(options: TokenEndpointOptions): StaticRoute {
  return (request, response) => {
    if (request.method !== 'POST' || parseRequestTarget(request.url)?.path !== TOKEN_ENDPOINT_PATH) return false;
    readForm(request).then(
      async (body) => {
        const form = new URLSearchParams(body);
        const tokenRequest = { form, headers: { authorization: request.headers.authorization } };
        const answer = isClientCredentialsRequest(tokenRequest, options.clients)
          ? clientCredentialsToken(tokenRequest, options)
          : await forward(options.emulatorTokenEndpoint, request, body);
        write(response, answer);
      },
      () => write(response, { status: 413, headers: { 'Cache-Control': 'no-store' }, body: '' }),
    );
    return true;
  };
}

function readForm(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        request.removeAllListeners('data');
        reject(new Error('Token request too large'));
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

async function forward(endpoint: string, request: IncomingMessage, body: string): Promise<TokenAnswer> {
  const headers: Record<string, string> = { 'Content-Type': request.headers['content-type'] ?? '' };
  if (request.headers.authorization) headers.Authorization = request.headers.authorization;
  try {
    const answer = await fetch(endpoint, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
    });
    return {
      status: answer.status,
      headers: {
        'Content-Type': answer.headers.get('content-type') ?? 'application/json',
        'Cache-Control': 'no-store',
      },
      body: await answer.text(),
    };
  } catch {
    return { status: 502, headers: { 'Content-Type': 'application/json' }, body: '{"error":"server_error"}' };
  }
}

function write(response: ServerResponse, answer: TokenAnswer): void {
  response.writeHead(answer.status, answer.headers).end(answer.body);
}
