/**
 * `login --hosted`: the Hosted UI authorization-code flow with PKCE and a loopback redirect.
 * The CLI prints the authorize URL, waits for the browser to come back to
 * http://localhost:<port>/callback, checks `state`, and exchanges the code through the
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

export async function hostedLogin(context: CliContext, options: HostedLoginOptions): Promise<void> {
  const outputs = readOutputs(context.outputsFile);
  if (!outputs.HostedUiUrl || !outputs.UserPoolClientId) {
    throw new CliError(`${context.outputsFile} has no HostedUiUrl/UserPoolClientId: redeploy the Identity stack or restart \`npm start\``);
  }
  const redirectUri = `http://localhost:${options.port}/callback`;
  const verifier = createVerifier();
  const state = randomBytes(16).toString('base64url');
  const authorizeUrl = `${outputs.HostedUiUrl}/oauth2/authorize?${new URLSearchParams({
    client_id: outputs.UserPoolClientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: configFor('dev').hostedUi.scopes.join(' '),
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

function waitForCode(options: HostedLoginOptions, state: string, onListening: () => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/callback') {
        res.writeHead(404).end();
        return;
      }
      const code = url.searchParams.get('code');
      const ok = code !== null && url.searchParams.get('state') === state;
      res.writeHead(ok ? 200 : 400, { 'Content-Type': 'text/plain' });
      res.end(ok ? 'Signed in. You can close this window and return to the terminal.' : 'Sign-in failed: state mismatch or no code.');
      finish(ok ? undefined : new CliError('Hosted UI redirect had no code or a wrong state: run login --hosted again'), code ?? '');
    });
    const timer = setTimeout(
      () => finish(new CliError(`No sign-in within ${options.timeoutSeconds} s: run login --hosted again`), ''),
      options.timeoutSeconds * 1000,
    );
    function finish(error: Error | undefined, code: string): void {
      clearTimeout(timer);
      server.closeAllConnections();
      server.close();
      if (error) reject(error);
      else resolve(code);
    }
    server.once('error', (error: NodeJS.ErrnoException) =>
      finish(new CliError(`Cannot listen on localhost:${options.port} for the redirect (${error.code}): free the port or pass --port`), ''),
    );
    server.listen(options.port, '127.0.0.1', onListening);
  });
}
