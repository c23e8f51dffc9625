/**
 * Sign-out everywhere as deployed: POST /auth/logout {"everywhere":true} calls Cognito's
 * AdminUserGlobalSignOut for the token's user (IAM-granted to the auth function: it works whatever
 * scopes the token has); a refusal records nothing. Cognito is a
 * stand-in on loopback speaking its JSON protocol (AWS is not reachable from tests); the handler,
 * the SDK client and the revocation store (dynalite) are real.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logout, type LogoutDeps, type VerifiedSession } from '../../../lambda/auth/logout';
import { createCognitoClient } from '../../../lib/clients/cognito-client';
import { createLogger } from '../../../lambda/shared/logger';
import { ENV } from '../../../lib/contracts/runtime-env';
import { startLocalStore, type LocalStore } from '../../../fixtures/local-dynamo';
import { proxyEvent } from '../../support/proxy-event';

jest.setTimeout(30_000);

interface CognitoCall {
  readonly operation: string;
  readonly input: Record<string, unknown>;
}

/** How the stand-in answers AdminUserGlobalSignOut: 200, or an error of this `__type` and status. */
let globalSignOutAnswer: { status: number; type?: string } = { status: 200 };
const calls: CognitoCall[] = [];
let server: Server;
let endpoint: string;
let dynamo: LocalStore;
let subs = 0;

beforeAll(async () => {
  dynamo = await startLocalStore();
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const operation = String(request.headers['x-amz-target']).split('.').pop()!;
      const input = JSON.parse(body) as Record<string, unknown>;
      calls.push({ operation, input });
      const reply = (status: number, answer: unknown) =>
        response.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer));
      if (operation === 'AdminGetUser')
        reply(200, {
          Username: input.Username,
          UserAttributes: [{ Name: 'sub', Value: subOf(String(input.Username)) }],
        });
      else if (operation === 'AdminUserGlobalSignOut' && globalSignOutAnswer.type)
        reply(globalSignOutAnswer.status, { __type: globalSignOutAnswer.type, message: 'refused' });
      else reply(200, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await dynamo.stop();
});
beforeEach(() => {
  calls.length = 0;
  globalSignOutAnswer = { status: 200 };
});

const subOf = (username: string) => `sub-of-${username}`;

function signOut() {
  const username = `user-${++subs}`;
  const session: VerifiedSession = {
    sub: subOf(username),
    username,
    sessionId: `jti-${subs}`,
    issuedAt: Math.floor(Date.now() / 1000) - 10,
  };
  const lines: string[] = [];
  const deps: LogoutDeps = {
    cognito: createCognitoClient({ [ENV.cognitoEndpoint]: endpoint }, 'us-east-1'),
    userPoolId: 'us-east-1_Pool',
    userPoolClientId: 'client',
    verifySession: () => Promise.resolve(session),
    revocations: dynamo.revocations,
    now: Date.now,
  };
  const event = proxyEvent('POST', '/auth/logout', {
    body: { everywhere: true },
    headers: { Authorization: 'Bearer t' },
  });
  const run = async () => {
    const audited = await logout(
      event,
      deps,
      createLogger('auth', (line) => lines.push(line)),
    );
    deps.cognito.destroy();
    return audited;
  };
  return { session, lines, run };
}

it('calls AdminUserGlobalSignOut for the token’s user on this pool, then records the cut-off', async () => {
  const { session, run } = signOut();
  const { result } = await run();
  expect([result.statusCode, JSON.parse(result.body)]).toEqual([200, { revoked: 'everywhere' }]);
  expect(calls).toEqual([
    { operation: 'AdminGetUser', input: { UserPoolId: 'us-east-1_Pool', Username: session.username } },
    { operation: 'AdminUserGlobalSignOut', input: { UserPoolId: 'us-east-1_Pool', Username: session.username } },
  ]);
  expect(await dynamo.revocations.userRevokedBefore(session.sub)).toBeGreaterThan(session.issuedAt);
});

it('records nothing when Cognito refuses the sign-out (429, retry): the answer never claims a sign-out that did not happen', async () => {
  globalSignOutAnswer = { status: 400, type: 'TooManyRequestsException' };
  const { session, run } = signOut();
  const { result } = await run();
  expect(result.statusCode).toBe(429);
  expect(await dynamo.revocations.userRevokedBefore(session.sub)).toBeUndefined();
});
