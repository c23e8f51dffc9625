/**
 * The Hosted UI demo page the local system serves at `/` and `/callback`: it runs the real
 * authorization-code + PKCE flow in the browser (seed 001) against the emulator's
 * /oauth2/authorize, exchanges the code through the API's POST /auth/token, then calls
 * /api/profile with the access token. Its sign-out revokes the session (POST /auth/logout, always
 * with the refresh cookie: without it the route refuses to end a session), then goes to the Hosted
 * UI's /logout (the local Cognito's) with a registered logout URL.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { configFor } from '../config/app-config';
import type { StaticRoute } from './gateway';
import { parseRequestTarget } from './routing';
import type { LocalOutputs } from './system';

const PAGE_PATHS = new Set(['/', '/callback']);

export function staticPages(outputs: LocalOutputs): readonly StaticRoute[] {
  const settings = {
    authorizeUrl: `${outputs.HostedUiUrl}/oauth2/authorize`,
    logoutUrl: `${outputs.HostedUiUrl}/logout`,
    clientId: outputs.UserPoolClientId,
    scopes: configFor('dev').hostedUi.scopes.join(' '),
  };
  const html = renderPage(settings);
  return [
    (request: IncomingMessage, response: ServerResponse): boolean => {
      const target = parseRequestTarget(request.url);
      if (request.method !== 'GET' || !target || !PAGE_PATHS.has(target.path)) return false;
      response.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Content-Security-Policy': "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
      });
      response.end(html);
      return true;
    },
  ];
}

function renderPage(settings: { authorizeUrl: string; logoutUrl: string; clientId: string; scopes: string }): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Cognito JWT API — local Hosted UI demo</title>
<style>body{font:15px system-ui,sans-serif;max-width:44rem;margin:2rem auto}pre{background:#f4f4f4;padding:1rem;overflow:auto}</style>
</head>
<body>
<h1>Local Hosted UI demo</h1>
<p>Sign in through the emulator's Hosted UI with PKCE; the page exchanges the code via <code>POST /auth/token</code>
and calls <code>GET /api/profile</code> with the access token.</p>
<button id="login">Sign in with the Hosted UI</button>
<button id="logout" hidden>Sign out</button>
<pre id="out">Not signed in.</pre>
<script>
const settings = ${JSON.stringify(settings)};
const out = document.getElementById('out');
const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
const redirectUri = location.origin + '/callback';
let accessToken;

// Sign-out: revoke the session (the access token names it; the refresh cookie, which the route
// needs to end the session, always goes along and is cleared), then end the Hosted UI session and
// come back to a registered logout URL.
document.getElementById('logout').onclick = async () => {
  const answer = await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin', headers: { Authorization: 'Bearer ' + accessToken } }).catch(() => undefined);
  sessionStorage.setItem('logout', answer ? String(answer.status) : 'unreachable');
  accessToken = undefined;
  location.assign(settings.logoutUrl + '?' + new URLSearchParams({ client_id: settings.clientId, logout_uri: location.origin + '/' }));
};

document.getElementById('login').onclick = async () => {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem('pkce', JSON.stringify({ verifier, state }));
  const query = new URLSearchParams({ client_id: settings.clientId, response_type: 'code', redirect_uri: redirectUri,
    scope: settings.scopes, code_challenge: challenge, code_challenge_method: 'S256', state });
  location.assign(settings.authorizeUrl + '?' + query);
};

(async () => {
  const loggedOut = sessionStorage.getItem('logout');
  sessionStorage.removeItem('logout');
  if (loggedOut) { out.textContent = 'Signed out (POST /auth/logout → ' + loggedOut + ').'; out.dataset.logout = loggedOut; }
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (!code) return;
  const saved = JSON.parse(sessionStorage.getItem('pkce') || '{}');
  sessionStorage.removeItem('pkce');
  history.replaceState(null, '', '/');
  if (!saved.verifier || params.get('state') !== saved.state) { out.textContent = 'State mismatch: start again.'; return; }
  const exchange = await fetch('/auth/token', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code, code_verifier: saved.verifier, redirect_uri: redirectUri }) });
  const tokens = await exchange.json();
  if (!exchange.ok) { out.textContent = 'Token exchange failed: ' + JSON.stringify(tokens); return; }
  accessToken = tokens.access_token;
  const profile = await fetch('/api/profile', { headers: { Authorization: 'Bearer ' + accessToken } });
  out.textContent = 'GET /api/profile → ' + profile.status + '\\n' + JSON.stringify(await profile.json(), null, 2);
  out.dataset.status = String(profile.status);
  document.getElementById('logout').hidden = false;
})();
</script>
</body>
</html>
`;
}
