/**
 * Per-call cost of verifying distinct Cognito-shaped access tokens: the RS256 floor, raw
 * aws-jwt-verify, the libraries users would otherwise pick, and our whole authorizer handler as
 * deployed (the revocation check on, against a local DynamoDB holding an hour's revocations, each
 * warm instance pulling new ones every 5 s) and with the check switched off.
 */
import { createPublicKey, randomUUID, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import type { APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { JwtVerifier } from 'aws-jwt-verify';
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import * as jose from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { configFor } from '../../lib/config/app-config';
import { createDecisionLog } from '../../lambda/authorizer/decision-log';
import { createAuthorizer } from '../../lambda/authorizer/handler';
import { createTokenVerifier } from '../../lambda/token/verify';
import { settingsFromConfig } from '../../fixtures/authorizer-settings';
import { accessMap } from '../../lib/contracts/access-map';
import type { LocalStore } from '../../fixtures/local-dynamo';
import { accessToken, makeSigningKey, startJwksServer, type SigningKey } from '../../fixtures/token-factory';
import { generatedAccessMap } from '../../fixtures/generated-access-map';
import { CALLER_GROUPS } from '../../fixtures/traffic';
import { TEN_GROUPS } from './policy-size';
import { interleave, pairedDifference, pairedRatio, summarize, type Summary, type Task } from '../stats';

const CLIENT_ID = 'bench-client-id';
const API_PREFIX = 'arn:aws:execute-api:us-east-1:123456789012:benchapi/v1';
/** Allowed and denied routes for the callers below (the decision is logged either way). */
const METHOD_ARNS = [
  'GET/api/profile',
  'GET/api/admin/users',
  'PUT/api/reviews/r-1',
  'DELETE/api/admin/users/u-7',
  'POST/api/reviews',
].map((route) => `${API_PREFIX}/${route}`);

/** Routes spread over the generated 500-route map (its first, middle and last), parameters filled in. */
const METHOD_ARNS_500_ROUTES = [0, 123, 250, 377, 499].map((index) => {
  const route = generatedAccessMap(500, TEN_GROUPS)[index];
  return `${API_PREFIX}/${route.method}${route.path.replace(/\{[^}]+\}/g, 'r-1')}`;
});

/** Comma-joined group sets of the decision-line task, as the handler logs them. */
const ROUTE_GROUPS = CALLER_GROUPS.map((groups) => (groups ?? []).join(','));

export const VERIFICATION_TASKS = [
  'floor',
  'authorizer',
  'authorizerWithoutRevocation',
  'authorizer500Routes',
  'awsJwtVerifyRaw',
  'awsJwtVerifyDecompose',
  'authorizerVerify',
  'decisionLine',
  'jose',
  'jsonwebtoken',
  'jsonwebtokenKeyObject',
] as const;
export type VerificationTask = (typeof VERIFICATION_TASKS)[number];

export interface VerificationOptions {
  /** Distinct tokens, cycled through by every task. */
  readonly tokens: number;
  readonly rounds: number;
  readonly batch: number;
  readonly warmup: { readonly rounds: number; readonly ms: number };
}

export interface VerificationResults {
  /** ns per call. */
  readonly ns: Record<VerificationTask, Summary>;
  /** Per-round ratio to the floor of the same round. */
  readonly vsFloor: Record<VerificationTask, Summary>;
  /** Per-round authorizer ÷ raw aws-jwt-verify. */
  readonly authorizerVsRaw: Summary;
  /** Per-round authorizer with a generated 500-route access map (check off) ÷ raw aws-jwt-verify. */
  readonly authorizer500RoutesVsRaw: Summary;
  /** Per-round authorizer (revocation check on) − authorizer (off), ns per call: what the check costs warm. */
  readonly revocationCheckNs: Summary;
  /** The same ratio in process CPU time (a check on the wall times: see stats.ts). */
  readonly authorizerVsRawCpu: Summary;
  /** Per-round (our verifier with its Cognito checks) ÷ raw aws-jwt-verify. */
  readonly authorizerVerifyVsRaw: Summary;
  /** Per-round jose ÷ authorizer. */
  readonly speedupVsJose: Summary;
  /** Per-round jose ÷ raw aws-jwt-verify: what `speedupVsJose` would be if our handler cost nothing beyond aws-jwt-verify. */
  readonly rawSpeedupVsJose: Summary;
  /** Bytes of one token (for the README's description). */
  readonly tokenBytes: number;
}

interface Fixtures {
  readonly issuer: string;
  readonly key: SigningKey;
  readonly tokens: readonly string[];
  /** What API Gateway hands the authorizer: header values the runtime just JSON-parsed (flat strings). */
  readonly authorizationHeaders: readonly string[];
  /** Lambda request ids, one per token (a fresh string per invocation, as the runtime gives). */
  readonly requestIds: readonly string[];
  /** Signing input and signature of each token, for the floor. */
  readonly signingInputs: ReadonlyArray<{ readonly data: Buffer; readonly signature: Buffer }>;
}

function makeFixtures(issuer: string, key: SigningKey, count: number): Fixtures {
  const tokens = Array.from({ length: count }, (_, i) =>
    accessToken({
      issuer,
      clientId: CLIENT_ID,
      key,
      groups: CALLER_GROUPS[i % CALLER_GROUPS.length],
      lifetimeSeconds: 24 * 3600,
    }),
  );
  const flat = (value: string) => JSON.parse(JSON.stringify(value)) as string;
  return {
    issuer,
    key,
    tokens,
    authorizationHeaders: tokens.map((token) => flat(`Bearer ${token}`)),
    requestIds: tokens.map(() => flat(randomUUID())),
    signingInputs: tokens.map((token) => {
      const signatureStart = token.lastIndexOf('.');
      return {
        data: Buffer.from(token.slice(0, signatureStart)),
        signature: Buffer.from(token.slice(signatureStart + 1), 'base64url'),
      };
    }),
  };
}

/**
 * Every task, each verifying with keys it loaded before timing: our handler and our verifier with
 * the pool's JWKS fetched once over loopback (as by a warm Lambda's first request), the libraries
 * with the key handed over. Decision lines are built in full (JSON and all); the sink discards them
 * instead of writing to stdout.
 */
async function makeTasks(fixtures: Fixtures, store: LocalStore): Promise<Record<VerificationTask, Task>> {
  const { issuer, key, tokens, authorizationHeaders, requestIds, signingInputs } = fixtures;
  const settings = settingsFromConfig(configFor('dev'), { issuer, clientId: CLIENT_ID });
  const authorize = createAuthorizer(
    settingsFromConfig(configFor('dev'), { issuer, clientId: CLIENT_ID }, accessMap, {
      tableName: store.tables.revocations,
      env: store.env,
    }),
    { logSink: () => undefined },
  );
  const authorizeWithoutRevocation = createAuthorizer(settings, { logSink: () => undefined });
  const authorize500Routes = createAuthorizer(
    { ...settings, routes: generatedAccessMap(500, TEN_GROUPS), groupPrecedence: TEN_GROUPS },
    { logSink: () => undefined },
  );
  const verifier = createTokenVerifier(settings);
  await Promise.all([
    authorize.hydrate(),
    authorizeWithoutRevocation.hydrate(),
    authorize500Routes.hydrate(),
    verifier.hydrate(),
  ]);
  const decisionLog = createDecisionLog(() => undefined);
  const subs = tokens.map((_, i) => requestIds[(i + 1) % requestIds.length]); // UUID-shaped, like Cognito's sub
  const publicKey: KeyObject = createPublicKey({ key: key.publicJwk as never, format: 'jwk' });
  const publicPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const rawVerifier = JwtVerifier.create({ issuer, audience: null });
  rawVerifier.cacheJwks({ keys: [key.publicJwk] } as never);
  const joseKey = await jose.importJWK(key.publicJwk, 'RS256');
  let cursor = 0;
  const next = () => (cursor = (cursor + 1) % tokens.length);
  // Every path must really verify: a task that throws ends the run.
  await authorize({ type: 'TOKEN', authorizationToken: authorizationHeaders[0], methodArn: METHOD_ARNS[0] });
  await authorizeWithoutRevocation({
    type: 'TOKEN',
    authorizationToken: authorizationHeaders[0],
    methodArn: METHOD_ARNS[0],
  });
  const call =
    (handler: typeof authorize, methodArns = METHOD_ARNS) =>
    () => {
      const i = next();
      const event: APIGatewayTokenAuthorizerEvent = {
        type: 'TOKEN',
        authorizationToken: authorizationHeaders[i],
        methodArn: methodArns[i % methodArns.length],
      };
      return handler(event, { awsRequestId: requestIds[i] });
    };

  return {
    floor: () => {
      const { data, signature } = signingInputs[next()];
      if (!cryptoVerify('sha256', data, publicKey, signature)) throw new Error('floor: bad signature');
    },
    // A fresh event and context per call, as each invocation brings them.
    authorizer: call(authorize),
    authorizerWithoutRevocation: call(authorizeWithoutRevocation),
    authorizer500Routes: call(authorize500Routes, METHOD_ARNS_500_ROUTES),
    awsJwtVerifyRaw: () => rawVerifier.verifySync(tokens[next()]),
    // The part of verifySync before the signature: split, base64-decode and JSON-parse (with its prototype-pollution reviver).
    awsJwtVerifyDecompose: () => decomposeUnverifiedJwt(tokens[next()]),
    // Our verifier with the Cognito claim checks, on the token as the handler passes it (the header sliced).
    authorizerVerify: () => verifier.verify(authorizationHeaders[next()].slice('Bearer '.length)),
    decisionLine: () => {
      const i = next();
      decisionLog.decided({
        allowed: i % 2 === 0,
        sub: subs[i],
        groups: ROUTE_GROUPS[i % ROUTE_GROUPS.length],
        route: 'GET /api/profile',
        requestId: requestIds[i],
      });
    },
    jose: () => jose.jwtVerify(tokens[next()], joseKey, { issuer, algorithms: ['RS256'] }),
    jsonwebtoken: () => jsonwebtoken.verify(tokens[next()], publicPem, { issuer, algorithms: ['RS256'] }),
    jsonwebtokenKeyObject: () => jsonwebtoken.verify(tokens[next()], publicKey, { issuer, algorithms: ['RS256'] }),
  };
}

export async function measureVerification(
  options: VerificationOptions,
  store: LocalStore,
): Promise<VerificationResults> {
  const key = makeSigningKey('bench-key');
  const jwksServer = await startJwksServer([key]);
  const fixtures = makeFixtures(jwksServer.issuer, key, options.tokens);
  const tasks = await makeTasks(fixtures, store).finally(() => jwksServer.close());
  const { wall: samples, cpu } = await interleave(tasks, {
    rounds: options.rounds,
    batch: options.batch,
    warmup: options.warmup,
  });

  const byTask = <T>(value: (name: VerificationTask) => T) =>
    Object.fromEntries(VERIFICATION_TASKS.map((name) => [name, value(name)])) as Record<VerificationTask, T>;
  return {
    ns: byTask((name) => summarize(samples[name])),
    vsFloor: byTask((name) => pairedRatio(samples[name], samples.floor)),
    authorizerVsRaw: pairedRatio(samples.authorizer, samples.awsJwtVerifyRaw),
    authorizer500RoutesVsRaw: pairedRatio(samples.authorizer500Routes, samples.awsJwtVerifyRaw),
    revocationCheckNs: pairedDifference(samples.authorizer, samples.authorizerWithoutRevocation),
    authorizerVsRawCpu: pairedRatio(cpu.authorizer, cpu.awsJwtVerifyRaw),
    authorizerVerifyVsRaw: pairedRatio(samples.authorizerVerify, samples.awsJwtVerifyRaw),
    speedupVsJose: pairedRatio(samples.jose, samples.authorizer),
    rawSpeedupVsJose: pairedRatio(samples.jose, samples.awsJwtVerifyRaw),
    tokenBytes: fixtures.tokens[0].length,
  };
}
