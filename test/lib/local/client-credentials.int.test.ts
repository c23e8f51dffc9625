/**
 * The local client-credentials grant as a pure function: RFC 6749 §4.4/§5.2 answers, and tokens
 * the real authorizer accepts against the same JWKS as the user tokens (a key made here stands in
 * for the emulator's).
 */
import { configFor } from '../../../lib/config/app-config';
import {
  clientCredentialsToken,
  isClientCredentialsRequest,
  type ClientCredentialsIssuer,
  type TokenAnswer,
} from '../../../lib/local/client-credentials';
import { createAuthorizer } from '../../../lambda/authorizer/handler';
import { settingsFromConfig } from '../../../fixtures/authorizer-settings';
import {
  makeSigningKey,
  signJwt,
  startJwksServer,
  type JwksServer,
  type SigningKey,
} from '../../../fixtures/token-factory';

const config = configFor('dev');
const READ = `${config.resourceServer.identifier}/reviews.read`;
const WRITE = `${config.resourceServer.identifier}/reviews.write`;
const CLIENT = {
  clientId: 'machine-1',
  clientSecret: 's3cret-value',
  allowedScopes: [READ, WRITE],
  accessTokenSeconds: 600,
};
const NOW = Date.UTC(2026, 11, 3, 10, 0, 0);

let key: SigningKey;
let jwks: JwksServer;
let issuer: ClientCredentialsIssuer;

beforeAll(async () => {
  key = makeSigningKey('CognitoLocal');
  jwks = await startJwksServer([key]);
  issuer = {
    issuer: jwks.issuer,
    clients: [CLIENT],
    signer: { sign: (claims) => signJwt({ alg: 'RS256', typ: 'JWT', kid: key.kid }, claims, key) },
    now: () => NOW,
  };
});
afterAll(() => jwks.close());

const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

function request(form: Record<string, string> | string, authorization?: string): TokenAnswer {
  return clientCredentialsToken({ form: new URLSearchParams(form), headers: { authorization } }, issuer);
}

const bodyOf = (answer: TokenAnswer): Record<string, unknown> => JSON.parse(answer.body);
const claimsOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

describe('a granted token', () => {
  it('HTTP Basic, no scope asked: every allowed scope, Cognito-shaped, never cached', () => {
    const answer = request({ grant_type: 'client_credentials' }, basic(CLIENT.clientId, CLIENT.clientSecret));
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    const body = bodyOf(answer);
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    expect(body).toMatchObject({ expires_in: 600, token_type: 'Bearer' });
    const claims = claimsOf(String(body.access_token));
    expect(claims).toMatchObject({
      sub: CLIENT.clientId,
      client_id: CLIENT.clientId,
      token_use: 'access',
      scope: `${READ} ${WRITE}`,
      version: 2,
      iss: jwks.issuer,
      iat: NOW / 1000,
      exp: NOW / 1000 + 600,
    });
    expect(claims).not.toHaveProperty('username');
    expect(claims).not.toHaveProperty('cognito:groups');
  });

  it('client_secret_post with one scope: only that scope', () => {
    const answer = request({
      grant_type: 'client_credentials',
      client_id: 'machine-1',
      client_secret: 's3cret-value',
      scope: READ,
    });
    expect(answer.status).toBe(200);
    expect(claimsOf(String(bodyOf(answer).access_token)).scope).toBe(READ);
  });

  it('verifies against the same JWKS, and the real authorizer decides it by its scope', async () => {
    const authorize = createAuthorizer(
      settingsFromConfig(config, { issuer: jwks.issuer, clientId: 'user-client', machineClientIds: [CLIENT.clientId] }),
      { logSink: () => undefined },
    );
    const live = { ...issuer, now: Date.now };
    const answer = clientCredentialsToken(
      {
        form: new URLSearchParams({ grant_type: 'client_credentials', scope: READ }),
        headers: { authorization: basic('machine-1', 's3cret-value') },
      },
      live,
    );
    const token = String(bodyOf(answer).access_token);
    const methodArn = 'arn:aws:execute-api:us-east-1:000000000000:local/v1/GET/api/reviews';
    const result = await authorize({ type: 'TOKEN', authorizationToken: `Bearer ${token}`, methodArn });
    expect(result.principalId).toBe(CLIENT.clientId);
    expect(result.context).toMatchObject({ scopes: 'reviews.read', clientId: CLIENT.clientId });
  });
});

describe('RFC 6749 §5.2 errors, all no-store', () => {
  it.each<[string, Record<string, string> | string, string | undefined, number, string]>([
    [
      'a wrong secret (Basic)',
      { grant_type: 'client_credentials' },
      basic('machine-1', 'wrong'),
      401,
      'invalid_client',
    ],
    [
      'a wrong secret (post)',
      { grant_type: 'client_credentials', client_id: 'machine-1', client_secret: 'x' },
      undefined,
      401,
      'invalid_client',
    ],
    ['an unknown client', { grant_type: 'client_credentials' }, basic('nobody', 's3cret-value'), 401, 'invalid_client'],
    ['no client authentication', { grant_type: 'client_credentials' }, undefined, 401, 'invalid_client'],
    ['a malformed Basic header', { grant_type: 'client_credentials' }, 'Basic !!!', 401, 'invalid_client'],
    [
      'two authentication methods',
      { grant_type: 'client_credentials', client_secret: 's3cret-value' },
      basic('machine-1', 's3cret-value'),
      400,
      'invalid_request',
    ],
    [
      'a repeated parameter',
      'grant_type=client_credentials&scope=a&scope=b',
      basic('machine-1', 's3cret-value'),
      400,
      'invalid_request',
    ],
    ['no grant_type', {}, basic('machine-1', 's3cret-value'), 400, 'invalid_request'],
    [
      'an unknown scope',
      { grant_type: 'client_credentials', scope: 'other-api/reviews.read' },
      basic('machine-1', 's3cret-value'),
      400,
      'invalid_scope',
    ],
    [
      'a scope look-alike',
      { grant_type: 'client_credentials', scope: `${READ}x` },
      basic('machine-1', 's3cret-value'),
      400,
      'invalid_scope',
    ],
    [
      'a grant the client may not use',
      { grant_type: 'authorization_code', code: 'c' },
      basic('machine-1', 's3cret-value'),
      400,
      'unauthorized_client',
    ],
    [
      'an unknown grant type',
      { grant_type: 'magic' },
      basic('machine-1', 's3cret-value'),
      400,
      'unsupported_grant_type',
    ],
  ])('%s: the status and error code', (_, form, authorization, status, code) => {
    const answer = request(form, authorization);
    expect([answer.status, bodyOf(answer).error]).toEqual([status, code]);
    expect(answer.headers['Cache-Control']).toBe('no-store');
  });

  it('asks for Basic credentials again when Basic authentication failed', () => {
    expect(request({ grant_type: 'client_credentials' }, basic('machine-1', 'no')).headers['WWW-Authenticate']).toMatch(
      /^Basic /,
    );
  });

  it('a scope the client is not allowed, though the resource server has it', () => {
    const narrow = { ...CLIENT, clientId: 'reader', allowedScopes: [READ] };
    const answer = clientCredentialsToken(
      {
        form: new URLSearchParams({ grant_type: 'client_credentials', scope: WRITE }),
        headers: { authorization: basic('reader', CLIENT.clientSecret) },
      },
      { ...issuer, clients: [narrow] },
    );
    expect([answer.status, bodyOf(answer).error]).toEqual([400, 'invalid_scope']);
  });
});

describe('which requests are the grant', () => {
  const asks = (form: Record<string, string>, authorization?: string): boolean =>
    isClientCredentialsRequest({ form: new URLSearchParams(form), headers: { authorization } }, [CLIENT]);

  it('client_credentials from anyone, and any grant from a machine client', () => {
    expect(asks({ grant_type: 'client_credentials' })).toBe(true);
    expect(asks({ grant_type: 'refresh_token', client_id: 'machine-1' })).toBe(true);
    expect(asks({ grant_type: 'authorization_code' }, basic('machine-1', 'x'))).toBe(true);
  });

  it("not the user client's code or refresh grants (the emulator's)", () => {
    expect(asks({ grant_type: 'authorization_code', client_id: 'user-client', code: 'c' })).toBe(false);
    expect(asks({ grant_type: 'refresh_token', client_id: 'user-client', refresh_token: 'r' })).toBe(false);
  });
});
