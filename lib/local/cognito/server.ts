/**
 * The local Cognito: cognito-local's services (users, passwords, groups, app clients, persisted in
 * the state directory) with our own token issuing, sessions and OAuth/OIDC endpoints in front.
 *
 *   /<pool>/.well-known/openid-configuration, /<pool>/.well-known/jwks.json   discovery.ts, our key
 *   /oauth2/authorize, /oauth2/token, /oauth2/revoke, /oauth2/userInfo, /logout   authorize.ts, token-endpoint.ts
 *   POST / (x-amz-target)   targets.ts first (sign-in, refresh, sign-out), then cognito-local's router;
 *                           `AWSCognitoIdentityService.*` (identity pools) identity.ts
 *   POST /sts               sts.ts (GetCallerIdentity for the credentials identity.ts issues)
 *
 * cognito-local's own token generator is replaced too, so the flows it still runs itself (e.g. the
 * NEW_PASSWORD_REQUIRED answer) issue our tokens and open sessions.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { UnsupportedError } from 'cognito-local/lib/errors';
import { Router } from 'cognito-local/lib/server/Router';
import { createServer as createCognitoLocalServer } from 'cognito-local/lib/server/server';
import type { Config } from 'cognito-local/lib/server/config';
import { DateClock } from 'cognito-local/lib/services/clock';
import { CognitoServiceFactoryImpl, type CognitoService } from 'cognito-local/lib/services/cognitoService';
import type { Context } from 'cognito-local/lib/services/context';
import { StormDBDataStoreFactory } from 'cognito-local/lib/services/dataStore/stormDb';
import { ConsoleMessageSender } from 'cognito-local/lib/services/messageDelivery/consoleMessageSender';
import { MessageDeliveryService } from 'cognito-local/lib/services/messageDelivery/messageDelivery';
import { MessagesService } from 'cognito-local/lib/services/messages';
import { otp } from 'cognito-local/lib/services/otp';
import type { TokenGenerator } from 'cognito-local/lib/services/tokenGenerator';
import type { Triggers } from 'cognito-local/lib/services/triggers';
import { UserPoolServiceFactoryImpl } from 'cognito-local/lib/services/userPoolService';
import { authorize, createCodeStore } from './authorize';
import { createCredentialIssuer, type CredentialIssuer } from './aws-credentials';
import { discoveryDocument } from './discovery';
import { roleClaimsOf } from './group-roles';
import { OAuthError, redirect, sendJson, sendOAuthError } from './http';
import { IDENTITY_TARGET_PREFIX, identityTargets, serveIdentity, type IdentityTarget } from './identity';
import type { IdentityStore } from './identity-store';
import { createSessions, type Sessions } from './sessions';
import type { SigningKey } from './signing-key';
import { STS_PATH, serveSts } from './sts';
import { localCognitoRouter } from './targets';
import { CLIENT_CREDENTIALS } from '../client-credentials';
import { revokeEndpoint, tokenEndpoint, userGrants, userInfoEndpoint, type TokenGrant } from './token-endpoint';
import { createTokenIssuer, USER_ADMIN_SCOPE, type TokenIssuer } from './tokens';

export interface LocalCognitoOptions {
  /** cognito-local's data directory (`db/<poolId>.json`, `clients.json`). */
  readonly dataDir: string;
  /** cognito-local's settings (user pool defaults, server options). */
  readonly config: Config;
  readonly key: SigningKey;
  /** The public origin, `http://<host>:<port>`: issuer base and Hosted UI domain. */
  readonly endpoint: string;
  readonly logger: Logger;
  /** Identity pools and their identities (lib/local/cognito/identity-store.ts). */
  readonly identityStore: IdentityStore;
  /** The key the secrets of issued AWS credentials derive from (lib/local/cognito/aws-credentials.ts). */
  readonly credentialsSecret: Buffer;
  /** The region of identity pool and identity ids. */
  readonly region: string;
}

/** Lambda triggers are not part of the local system: none is enabled, none can run. */
const noTrigger = (): Promise<never> =>
  Promise.reject(new UnsupportedError('Lambda triggers are not configured locally'));
const NO_TRIGGERS: Triggers = {
  enabled: () => false,
  customMessage: noTrigger,
  customEmailSender: noTrigger,
  postAuthentication: noTrigger,
  postConfirmation: noTrigger,
  preSignUp: noTrigger,
  preTokenGeneration: noTrigger,
  userMigration: noTrigger,
};

/** What cognito-local's own sign-in flows call: a new session of our tokens (it stores the refresh token itself). */
function tokenGeneratorOf(cognito: CognitoService, issuer: TokenIssuer, now: () => number): TokenGenerator {
  return {
    async generate(ctx, user, groups, client) {
      const session = {
        originJti: randomUUID(),
        clientId: client.ClientId,
        username: user.Username,
        authTime: now(),
        scopes: [USER_ADMIN_SCOPE],
      };
      const roles = await roleClaimsOf(ctx, await cognito.getUserPoolForClientId(ctx, client.ClientId), groups);
      const tokens = issuer.issue({ user, groups, roles, client, session, withIdToken: true, withRefreshToken: true });
      return { ...tokens, IdToken: tokens.IdToken!, RefreshToken: tokens.RefreshToken! };
    },
  };
}

export async function createLocalCognito(options: LocalCognitoOptions): Promise<Server> {
  const { config, key, endpoint, logger } = options;
  const ctx: Context = { logger };
  const clock = new DateClock();
  const nowMs = (): number => clock.get().getTime();
  const now = (): number => Math.floor(nowMs() / 1000);
  const dataStores = new StormDBDataStoreFactory(options.dataDir);
  const cognito = await new CognitoServiceFactoryImpl(
    options.dataDir,
    dataStores,
    new UserPoolServiceFactoryImpl(clock, dataStores),
  ).create(ctx, config.UserPoolDefaults);
  const issuer = createTokenIssuer(key, endpoint, now);
  const sessions = createSessions({ cognito, key, issuer, now });
  const codes = createCodeStore(nowMs);
  const services = {
    clock,
    cognito,
    config,
    messages: new MessagesService(NO_TRIGGERS, new MessageDeliveryService(new ConsoleMessageSender())),
    otp,
    tokenGenerator: tokenGeneratorOf(cognito, issuer, now),
    triggers: NO_TRIGGERS,
  };
  const router = localCognitoRouter(Router(services), { cognito, sessions, nowMs });
  const cognitoLocal = createCognitoLocalServer(router, logger, config.ServerConfig);
  // grant_type → grant: another grant (e.g. client_credentials) is one more entry; discovery lists the keys.
  const grants: Readonly<Record<string, TokenGrant>> = { ...userGrants({ cognito, sessions, codes }) };
  const credentials = createCredentialIssuer(key, options.credentialsSecret, now);
  const identity = identityTargets({
    sessions,
    store: options.identityStore,
    credentials,
    key,
    endpoint,
    now,
    region: options.region,
  });
  const endpoints = { cognito, sessions, codes, grants, key, endpoint, identity, credentials, now };

  return createServer((request, response) => {
    const ours = ownEndpoint(request);
    if (!ours) {
      (cognitoLocal.application as (request: IncomingMessage, response: ServerResponse) => void)(request, response);
      return;
    }
    ours(ctx, endpoints, request, response).catch((error: unknown) => {
      if (error instanceof OAuthError) return sendOAuthError(response, error);
      // The path only: a query may carry a code or state.
      logger.error(
        { err: error, path: new URL(request.url ?? '/', 'http://localhost').pathname },
        'local Cognito endpoint failed',
      );
      if (!response.headersSent) sendJson(response, 500, { error: 'server_error' });
      else response.destroy();
    });
  });
}

interface Endpoints {
  readonly cognito: CognitoService;
  readonly sessions: Sessions;
  readonly codes: ReturnType<typeof createCodeStore>;
  readonly grants: Readonly<Record<string, TokenGrant>>;
  readonly key: SigningKey;
  readonly endpoint: string;
  readonly identity: ReadonlyMap<string, IdentityTarget>;
  readonly credentials: CredentialIssuer;
  /** Epoch seconds. */
  readonly now: () => number;
}

type Handler = (
  ctx: Context,
  endpoints: Endpoints,
  request: IncomingMessage,
  response: ServerResponse,
) => Promise<void>;

const WELL_KNOWN = /^\/([\w-]+)\/\.well-known\/(openid-configuration|jwks\.json)$/;

/** Our handler for a request, or undefined for cognito-local's (the JSON API, CORS preflights, /health). */
function ownEndpoint(request: IncomingMessage): Handler | undefined {
  if (request.method === 'OPTIONS') return undefined;
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const wellKnown = WELL_KNOWN.exec(path);
  if (wellKnown && request.method === 'GET') return wellKnownEndpoint(wellKnown[1], wellKnown[2]);
  if (path === '/oauth2/authorize' && (request.method === 'GET' || request.method === 'POST')) return authorize;
  if (path === '/oauth2/token' && request.method === 'POST') return tokenEndpoint;
  if (path === '/oauth2/revoke' && request.method === 'POST') return revokeEndpoint;
  if (path.toLowerCase() === '/oauth2/userinfo' && (request.method === 'GET' || request.method === 'POST'))
    return userInfoEndpoint;
  if (path === '/logout' && request.method === 'GET') return logoutEndpoint;
  if (request.method !== 'POST') return undefined;
  if (String(request.headers['x-amz-target'] ?? '').startsWith(IDENTITY_TARGET_PREFIX))
    return (ctx, { identity }, ...exchange) => serveIdentity(identity, ctx, ...exchange);
  if (path === STS_PATH || path === `${STS_PATH}/`)
    return (_ctx, { credentials, now }, ...exchange) => serveSts(credentials, now, ...exchange);
  return undefined;
}

function wellKnownEndpoint(userPoolId: string, document: string): Handler {
  return async (ctx, { cognito, grants, key, endpoint }, _request, response) => {
    // cognito-local throws for an unknown pool before it returns a promise.
    const known = await Promise.resolve()
      .then(() => cognito.getUserPool(ctx, userPoolId))
      .then(
        () => true,
        () => false,
      );
    if (!known) throw new OAuthError(404, 'invalid_request', `User pool ${userPoolId} does not exist`);
    if (document === 'jwks.json')
      return sendJson(response, 200, { keys: [key.jwk] }, { 'Cache-Control': 'max-age=300' });
    const issuer = `${endpoint}/${userPoolId}`;
    const grantTypes = [...Object.keys(grants), CLIENT_CREDENTIALS];
    sendJson(response, 200, discoveryDocument({ issuer, hostedUiBase: endpoint, grantTypes }));
  };
}

/**
 * The Hosted UI's sign-out: back to `logout_uri` if it is a registered logout URL of the client
 * (Cognito also ends its Hosted UI session; this sign-in form keeps none), else 400.
 */
const logoutEndpoint: Handler = async (ctx, { cognito }, request, response) => {
  const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
  const client = await cognito.getAppClient(ctx, query.get('client_id') ?? '');
  if (!client) throw new OAuthError(400, 'invalid_request', "client_id is not this pool's app client");
  const logoutUri = query.get('logout_uri') ?? '';
  if (!(client.LogoutURLs ?? []).includes(logoutUri))
    throw new OAuthError(400, 'invalid_request', 'logout_uri is not a registered logout URL of the app client');
  redirect(response, logoutUri);
};
