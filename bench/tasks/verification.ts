/**
 * Per-call cost of verifying distinct Cognito-shaped access tokens: the RS256 floor, raw
 * aws-jwt-verify, the libraries users would otherwise pick, and our whole authorizer handler.
 */
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import type { APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { JwtVerifier } from 'aws-jwt-verify';
import * as jose from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { configFor } from '../../lib/config/app-config';
import { createAuthorizer } from '../../lambda/authorizer/handler';
import { settingsFromConfig } from '../../lambda/authorizer/settings';
import { accessToken, makeSigningKey, startJwksServer } from '../../fixtures/token-factory';
import { CALLER_GROUPS } from '../../fixtures/traffic';
import { interleave, pairedRatio, summarize, type Summary, type Task } from '../stats';

const CLIENT_ID = 'bench-client-id';
const API_PREFIX = 'arn:aws:execute-api:us-east-1:123456789012:benchapi/v1';
/** Allowed and denied routes for the callers below (the decision is logged either way). */
const METHOD_ARNS = ['GET/api/profile', 'GET/api/admin/users', 'PUT/api/reviews/r-1', 'DELETE/api/admin/users/u-7', 'POST/api/reviews'].map(
  (route) => `${API_PREFIX}/${route}`,
);

export const VERIFICATION_TASKS = ['floor', 'authorizer', 'awsJwtVerifyRaw', 'jose', 'jsonwebtoken', 'jsonwebtokenKeyObject'] as const;
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
  /** Per-round jose ÷ authorizer. */
  readonly speedupVsJose: Summary;
  /** Bytes of one token (for the README's description). */
  readonly tokenBytes: number;
}

export async function measureVerification(options: VerificationOptions): Promise<VerificationResults> {
  const key = makeSigningKey('bench-key');
  const jwksServer = await startJwksServer([key]);
  const issuer = jwksServer.issuer;
  const publicKey: KeyObject = createPublicKey({ key: key.publicJwk as never, format: 'jwk' });
  const publicPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const tokens = Array.from({ length: options.tokens }, (_, i) =>
    accessToken({ issuer, clientId: CLIENT_ID, key, groups: CALLER_GROUPS[i % CALLER_GROUPS.length], lifetimeSeconds: 24 * 3600 }),
  );
  // What API Gateway hands the authorizer: a header value the runtime just JSON-parsed (a flat string).
  const authorizationHeaders = tokens.map((token) => JSON.parse(JSON.stringify(`Bearer ${token}`)) as string);
  const signingInputs = tokens.map((token) => {
    const signatureStart = token.lastIndexOf('.');
    return { data: Buffer.from(token.slice(0, signatureStart)), signature: Buffer.from(token.slice(signatureStart + 1), 'base64url') };
  });

  // Our handler, with the pool's JWKS fetched once over loopback, as by a warm Lambda's first request.
  // Its decision line is built in full (JSON and all); the sink discards it instead of writing to stdout.
  const authorize = createAuthorizer(settingsFromConfig(configFor('dev'), { issuer, clientId: CLIENT_ID }), { logSink: () => undefined });
  await authorize.hydrate();
  await jwksServer.close();
  const rawVerifier = JwtVerifier.create({ issuer, audience: null });
  rawVerifier.cacheJwks({ keys: [key.publicJwk] } as never);
  const joseKey = await jose.importJWK(key.publicJwk as jose.JWK, 'RS256');
  // Every path must really verify: a task that throws ends the run.
  await authorize({ type: 'TOKEN', authorizationToken: authorizationHeaders[0], methodArn: METHOD_ARNS[0] });

  let cursor = 0;
  const nextToken = () => tokens[(cursor = (cursor + 1) % tokens.length)];
  const tasks: Record<VerificationTask, Task> = {
    floor: () => {
      const { data, signature } = signingInputs[(cursor = (cursor + 1) % tokens.length)];
      if (!cryptoVerify('sha256', data, publicKey, signature)) throw new Error('floor: bad signature');
    },
    // A fresh event per call, as each invocation brings one.
    authorizer: () => {
      cursor = (cursor + 1) % tokens.length;
      const event: APIGatewayTokenAuthorizerEvent = { type: 'TOKEN', authorizationToken: authorizationHeaders[cursor], methodArn: METHOD_ARNS[cursor % METHOD_ARNS.length] };
      return authorize(event);
    },
    awsJwtVerifyRaw: () => rawVerifier.verifySync(nextToken()),
    jose: () => jose.jwtVerify(nextToken(), joseKey, { issuer, algorithms: ['RS256'] }),
    jsonwebtoken: () => jsonwebtoken.verify(nextToken(), publicPem, { issuer, algorithms: ['RS256'] }),
    jsonwebtokenKeyObject: () => jsonwebtoken.verify(nextToken(), publicKey, { issuer, algorithms: ['RS256'] }),
  };
  const samples = await interleave(tasks, { rounds: options.rounds, batch: options.batch, warmup: options.warmup });

  const byTask = <T>(value: (name: VerificationTask) => T) => Object.fromEntries(VERIFICATION_TASKS.map((name) => [name, value(name)])) as Record<VerificationTask, T>;
  return {
    ns: byTask((name) => summarize(samples[name])),
    vsFloor: byTask((name) => pairedRatio(samples[name], samples.floor)),
    authorizerVsRaw: pairedRatio(samples.authorizer, samples.awsJwtVerifyRaw),
    speedupVsJose: pairedRatio(samples.jose, samples.authorizer),
    tokenBytes: tokens[0].length,
  };
}
