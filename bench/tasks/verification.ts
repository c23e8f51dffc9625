/**
 * Per-call cost of verifying distinct Cognito-shaped access tokens: the RS256 floor, raw
 * aws-jwt-verify, the libraries users would otherwise pick, and our whole authorizer handler.
 */
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { JwtVerifier } from 'aws-jwt-verify';
import * as jose from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { configFor } from '../../lib/config/app-config';
import { createAuthorizer } from '../../lambda/authorizer/handler';
import { settingsFromConfig } from '../../lambda/authorizer/settings';
import { accessToken, makeSigningKey, startJwksServer } from '../../test/support/token-factory';
import { interleave, type Summary } from '../stats';

const CLIENT_ID = 'bench-client-id';
const METHOD_ARNS = [
  'arn:aws:execute-api:us-east-1:123456789012:api/v1/GET/api/profile',
  'arn:aws:execute-api:us-east-1:123456789012:api/v1/GET/api/admin/users',
  'arn:aws:execute-api:us-east-1:123456789012:api/v1/PUT/api/reviews/r-1',
];
const GROUP_SETS = [['admin-group'], ['reviewers-group'], ['user-group'], ['reviewers-group', 'user-group'], undefined];

export interface VerificationResults {
  readonly floor: Summary;
  readonly authorizer: Summary;
  readonly awsJwtVerifyRaw: Summary;
  readonly jose: Summary;
  readonly jsonwebtoken: Summary;
}

export async function measureVerification(options: { tokens: number; rounds: number; batch: number }): Promise<VerificationResults> {
  const key = makeSigningKey('bench-key');
  const jwks = { keys: [key.publicJwk] };
  const jwksServer = await startJwksServer([key]);
  const ISSUER = jwksServer.issuer;
  const publicKey: KeyObject = createPublicKey({ key: key.publicJwk as never, format: 'jwk' });
  const publicPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const tokens = Array.from({ length: options.tokens }, (_, i) =>
    accessToken({ issuer: ISSUER, clientId: CLIENT_ID, key, groups: GROUP_SETS[i % GROUP_SETS.length], lifetimeSeconds: 24 * 3600 }),
  );
  const signingInputs = tokens.map((token) => {
    const [header, payload, signature] = token.split('.');
    return { data: Buffer.from(`${header}.${payload}`), signature: Buffer.from(signature, 'base64url') };
  });

  // Our handler, with the pool's JWKS already cached (as after the first request of a warm Lambda).
  const authorize = createAuthorizer(settingsFromConfig(configFor('dev'), { issuer: ISSUER, clientId: CLIENT_ID }), {
    logSink: () => undefined, // the JSON line is still built; only the write to stdout is skipped
  });
  const rawVerifier = JwtVerifier.create({ issuer: ISSUER, audience: null });
  rawVerifier.cacheJwks(jwks as never);
  await authorize.hydrate(); // one JWKS fetch, as on a cold start's first request
  await jwksServer.close();
  const joseKey = await jose.importJWK(key.publicJwk as jose.JWK, 'RS256');

  let i = 0;
  const next = () => (i = (i + 1) % tokens.length);
  return (await interleave(
    {
      floor: () => {
        const { data, signature } = signingInputs[next()];
        if (!cryptoVerify('sha256', data, publicKey, signature)) throw new Error('floor: bad signature');
      },
      awsJwtVerifyRaw: () => rawVerifier.verifySync(tokens[next()]),
      // Each request brings a freshly read header string, as a real invocation does.
      authorizer: () => authorize({ type: 'TOKEN', authorizationToken: `Bearer ${tokens[next()]}`, methodArn: METHOD_ARNS[i % METHOD_ARNS.length] }),
      jose: () => jose.jwtVerify(tokens[next()], joseKey, { issuer: ISSUER, algorithms: ['RS256'] }),
      jsonwebtoken: () => jsonwebtoken.verify(tokens[next()], publicPem, { issuer: ISSUER, algorithms: ['RS256'] }),
    },
    options.rounds,
    options.batch,
  )) as unknown as VerificationResults;
}
