/**
 * The adversarial corpus (corpus/adversarial.json): each case is data — how to build the token
 * and the header — and the one acceptable outcome. This file only interprets it against the
 * real authorizer, with real keys and a real JWKS server.
 */
import { createHmac, createPublicKey, sign } from 'node:crypto';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { configFor } from '../../../lib/config/app-config';
import { createAuthorizer, type AuthorizerHandler } from '../../../lambda/authorizer/handler';
import { evaluatePolicy } from '../../../lambda/authorizer/iam-policy';
import { settingsFromConfig } from '../../../fixtures/authorizer-settings';
import {
  accessToken,
  base64url,
  makeSigningKey,
  startJwksServer,
  type JwksServer,
  type SigningKey,
} from '../../../fixtures/token-factory';
import corpus from './corpus/adversarial.json';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

interface CorpusCase {
  name: string;
  expect: 200 | 403 | 401;
  reason: string;
  route?: string;
  groups?: string[] | null;
  claims?: Record<string, Json>;
  header?: Record<string, Json>;
  rawPayload?: string;
  sign?: 'pool' | 'other' | 'none' | 'garbage' | 'hs256-public-pem' | 'hs256-public-jwk';
  mutate?:
    | 'strip-signature'
    | 'truncate-signature'
    | 'foreign-signature'
    | 'tamper-payload'
    | 'tamper-header'
    | 'zero-signature';
  authorization?: string;
}

const CLIENT_ID = 'corpus-client';
const API_PREFIX = 'arn:aws:execute-api:us-east-1:123456789012:corpus/v1';
const cases = corpus.cases as CorpusCase[];

let poolKey: SigningKey;
let otherKey: SigningKey;
let jwks: JwksServer;
let authorize: AuthorizerHandler;
const logLines: string[] = [];
const issuedTokens: string[] = [];

beforeAll(async () => {
  poolKey = makeSigningKey('pool-key');
  otherKey = { ...makeSigningKey('other'), kid: 'pool-key' };
  jwks = await startJwksServer([poolKey]);
  authorize = createAuthorizer(settingsFromConfig(configFor('dev'), { issuer: jwks.issuer, clientId: CLIENT_ID }), {
    logSink: (line) => logLines.push(line),
  });
});
afterAll(() => jwks.close());

/** `{now+3600}` → a number (or a string with `:string`); `{issuer}`, `{issuerUpper}`, `{clientId}` → values. */
function resolve(value: Json): Json {
  if (Array.isArray(value)) return value.map(resolve);
  if (typeof value !== 'string') return value;
  const time = /^\{now([+-][\d.]+)?(:string)?\}$/.exec(value);
  if (time) {
    const seconds = Math.floor(Date.now() / 1000) + Number(time[1] ?? 0);
    return time[2] ? String(seconds) : seconds;
  }
  return substitute(value);
}

function substitute(text: string): string {
  const now = Math.floor(Date.now() / 1000);
  return text
    .replace(/\{now([+-]\d+)\}/g, (_, offset: string) => String(now + Number(offset)))
    .replace(/\{now\}/g, String(now))
    .replace(/\{issuerUpper\}/g, jwks.issuer.toUpperCase())
    .replace(/\{issuer\}/g, jwks.issuer)
    .replace(/\{clientId\}/g, CLIENT_ID);
}

function withOverrides(base: Record<string, unknown>, overrides: Record<string, Json> = {}): Record<string, unknown> {
  const result = { ...base };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === null) delete result[name];
    else result[name] = resolve(value);
  }
  return result;
}

function buildToken(testCase: CorpusCase): string {
  const valid = accessToken({
    issuer: jwks.issuer,
    clientId: CLIENT_ID,
    key: poolKey,
    groups: testCase.groups === null ? undefined : (testCase.groups ?? ['admin-group']),
  });
  const [, payloadPart] = valid.split('.');
  const payload =
    testCase.rawPayload !== undefined
      ? substitute(testCase.rawPayload)
      : JSON.stringify(withOverrides(JSON.parse(Buffer.from(payloadPart, 'base64url').toString()), testCase.claims));
  const header = withOverrides({ kid: poolKey.kid, alg: 'RS256' }, testCase.header);
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(payload)}`;

  let signature: string;
  switch (testCase.sign ?? 'pool') {
    case 'pool':
    case 'other': {
      const key = testCase.sign === 'other' ? otherKey : poolKey;
      signature = sign('sha256', Buffer.from(signingInput), key.privateKey).toString('base64url');
      break;
    }
    case 'none':
      signature = '';
      break;
    case 'garbage':
      signature = base64url('not-a-signature');
      break;
    case 'hs256-public-pem':
      signature = createHmac('sha256', createPublicKey(poolKey.privateKey).export({ format: 'pem', type: 'spki' }))
        .update(signingInput)
        .digest('base64url');
      break;
    case 'hs256-public-jwk':
      signature = createHmac('sha256', JSON.stringify(poolKey.publicJwk)).update(signingInput).digest('base64url');
      break;
  }
  return mutate(`${signingInput}.${signature}`, testCase.mutate);
}

function mutate(token: string, how: CorpusCase['mutate']): string {
  const [header, payload, signature] = token.split('.');
  switch (how) {
    case undefined:
      return token;
    case 'strip-signature':
      return `${header}.${payload}.`;
    case 'truncate-signature':
      // Half, cut at a multiple of 4 characters: still canonical base64url (a non-canonical end is MALFORMED_TOKEN).
      return `${header}.${payload}.${signature.slice(0, Math.floor(signature.length / 8) * 4)}`;
    case 'foreign-signature':
      return `${header}.${payload}.${accessToken({ issuer: jwks.issuer, clientId: CLIENT_ID, key: poolKey }).split('.')[2]}`;
    case 'tamper-payload': {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      return `${header}.${base64url(JSON.stringify({ ...claims, 'cognito:groups': ['admin-group'] }))}.${signature}`;
    }
    case 'tamper-header':
      return `${base64url(JSON.stringify({ ...JSON.parse(Buffer.from(header, 'base64url').toString()), typ: 'JWT' }))}.${payload}.${signature}`;
    case 'zero-signature':
      return `${header}.${payload}.AAAA`;
  }
}

async function outcome(testCase: CorpusCase): Promise<{ status: number; reason: string }> {
  const token = buildToken(testCase);
  issuedTokens.push(token);
  const [method, path] = (testCase.route ?? 'GET /api/admin/users').split(' ');
  const methodArn = `${API_PREFIX}/${method}${path}`;
  const authorization = (testCase.authorization ?? 'Bearer {token}').replace(/\{token\}/g, token);
  let result: APIGatewayAuthorizerResult;
  try {
    result = await authorize({ type: 'TOKEN', authorizationToken: authorization, methodArn });
  } catch (error) {
    // Anything but exactly Error("Unauthorized") would be a 500 at API Gateway.
    expect(error).toEqual(new Error('Unauthorized'));
    return { status: 401, reason: JSON.parse(logLines[logLines.length - 1]).reason };
  }
  const allowed = evaluatePolicy(result.policyDocument, methodArn) === 'allow';
  return { status: allowed ? 200 : 403, reason: JSON.parse(logLines[logLines.length - 1]).reason };
}

it('has at least 60 cases, each with a distinct name', () => {
  expect(cases.length).toBeGreaterThanOrEqual(60);
  expect(new Set(cases.map((testCase) => testCase.name)).size).toBe(cases.length);
});

describe.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', (_name, testCase) => {
  it(`→ ${testCase.expect} ${testCase.reason}`, async () => {
    expect(await outcome(testCase)).toEqual({ status: testCase.expect, reason: testCase.reason });
  });
});

it('never wrote a token, a token payload or a signature to the log', () => {
  const written = logLines.join('\n');
  for (const token of issuedTokens) {
    for (const part of token.split('.').slice(1)) if (part.length >= 16) expect(written).not.toContain(part);
  }
});
