/**
 * `login --hosted`: the Hosted UI authorization-code flow with PKCE and a loopback redirect.
 * The port must be one the app client has registered (`http://localhost:<port>/callback`): that is
 * checked before anything is opened, since Cognito would refuse the redirect and never come back.
 * The CLI prints the authorize URL, waits for the browser to come back to the callback, checks
 * `state` (or stops at once on the error the Hosted UI reports), and exchanges the code through the
 * API's POST /auth/token (the backend holds the token endpoint call, as in seed 001).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { configFor } from '../config/app-config';
import type { CliContext } from './commands';
import { saveHostedTokens } from './commands';
import { CliError } from './errors';
import { errorMessage, request } from './http';
import { readOutputs } from './outputs';
import { challengeFor, createVerifier } from './pkce';

export interface HostedLoginOptions {
  readonly port: number;
  readonly timeoutSeconds: number;
  /** Where the authorize URL goes (stderr by default, so stdout stays clean). */
  readonly announce: (authorizeUrl: string) => void;
}

/** The CLI's redirect URI on a port. */
export function cliRedirectUri(port: number): string {
  return `http://localhost:${port}/callback`;
}

/** The ports of the registered callback URLs the CLI can receive a redirect on. */
export function registeredCallbackPorts(callbackUrls: readonly string[]): number[] {
  const ports = new Set<number>();
  for (const url of callbackUrls) {
    const match = /^http:\/\/localhost:(\d{1,5})\/callback$/.exec(url);
    if (match) ports.add(Number(match[1]));
  }
  return [...ports].sort((a, b) => a - b);
}

/** Fails in one line, before anything is opened, when the redirect would not be accepted. */
export function assertRegisteredPort(port: number, callbackUrls: readonly string[]): void {
  if (callbackUrls.includes(cliRedirectUri(port))) return;
  const ports = registeredCallbackPorts(callbackUrls);
  if (ports.length === 0)
    throw new CliError(
      `No http://localhost:<port>/callback URL is registered for the app client: add one to the callback URLs, then use its port`,
    );
  throw new CliError(
    `--port ${port} is not a registered callback (${cliRedirectUri(port)}): use --port ${ports.join(' or --port ')}`,
  );
}

export async function hostedLogin(context: CliContext, options: HostedLoginOptions): Promise<void> {
  const config = configFor('dev');
  assertRegisteredPort(options.port, config.hostedUi.callbackUrls);
  const outputs = readOutputs(context.outputsFile);
  if (!outputs.HostedUiUrl || !outputs.UserPoolClientId) {
    throw new CliError(
      `${context.outputsFile} has no HostedUiUrl/UserPoolClientId: redeploy the Identity stack or restart \`npm start\``,
    );
  }
  const redirectUri = cliRedirectUri(options.port);
  const verifier = createVerifier();
  const state = randomBytes(16).toString('base64url');
  const authorizeUrl = `${outputs.HostedUiUrl}/oauth2/authorize?${new URLSearchParams({
    client_id: outputs.UserPoolClientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: config.hostedUi.scopes.join(' '),
    code_challenge: challengeFor(verifier),
    code_challenge_method: 'S256',
    state,
  }).toString()}`;

  const code = await waitForCode(options, state, () => options.announce(authorizeUrl));
  const response = await request(outputs.ApiUrl, 'POST', '/auth/token', {
    body: { code, code_verifier: verifier, redirect_uri: redirectUri },
  });
  if (response.status !== 200) throw new CliError(`Code exchange failed: ${errorMessage(response)}`);
  saveHostedTokens(context, outputs.ApiUrl, response);
  context.print(`Logged in through the Hosted UI; tokens saved to ${context.store.file}`);
}

/** Listens on the loopback port until the browser comes back (or the time is up); resolves with the code. */
export function waitForCode(options: HostedLoginOptions, state: string, onListening: () => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/callback') {
        res.writeHead(404).end();
        return;
      }
      const outcome = callbackOutcome(url.searchParams, state);
      res.writeHead(typeof outcome === 'string' ? 200 : 400, { 'Content-Type': 'text/plain' });
      res.end(
        typeof outcome === 'string'
          ? 'Signed in. You can close this window and return to the terminal.'
          : `Sign-in failed: ${outcome.message}`,
      );
      finish(outcome);
    });
    const timer = setTimeout(
      () => finish(new CliError(`No sign-in within ${options.timeoutSeconds} s: run login --hosted again`)),
      options.timeoutSeconds * 1000,
    );
    function finish(outcome: string | Error): void {
      clearTimeout(timer);
      server.closeAllConnections();
      server.close();
      if (typeof outcome === 'string') resolve(outcome);
      else reject(outcome);
    }
    server.once('error', (error: NodeJS.ErrnoException) =>
      finish(
        new CliError(
          `Cannot listen on localhost:${options.port} for the redirect (${error.code}): free the port or pass another registered --port`,
        ),
      ),
    );
    server.listen(options.port, '127.0.0.1', onListening);
  });
}

/** The code of the redirect, or the error to stop with: the one the Hosted UI reports, a wrong state, or no code. */
function callbackOutcome(query: URLSearchParams, state: string): string | CliError {
  const error = query.get('error');
  if (error !== null) {
    const description = query.get('error_description');
    return new CliError(
      `The Hosted UI reported ${printable(error)}${description ? ` (${printable(description)})` : ''}: run login --hosted again`,
    );
  }
  if (query.get('state') !== state)
    return new CliError('Hosted UI redirect had a wrong state: run login --hosted again');
  const code = query.get('code');
  return code ? code : new CliError('Hosted UI redirect had no code: run login --hosted again');
}

/** Text from the redirect, safe for one terminal line. */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
}
