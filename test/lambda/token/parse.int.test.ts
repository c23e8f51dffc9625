/**
 * One token, one spelling: a base64url part with `=` padding, with bits set in its last character
 * that decoding drops, with characters of the standard alphabet or with characters the decoder skips decodes to the same bytes as the
 * token it was made from, and would pass API Gateway's cache (keyed on the header's text) and any
 * list keyed on the token string. Every such spelling is MALFORMED_TOKEN (401); the token as issued
 * is allowed. Property-tested over random tokens with the real authorizer.
 */
import fc from 'fast-check';
import { configFor } from '../../../lib/config/app-config';
import { createAuthorizer, type AuthorizerHandler } from '../../../lambda/authorizer/handler';
import { parseAuthorizationHeader } from '../../../lambda/token/parse';
import { TokenRejectedError } from '../../../lambda/token/reasons';
import { settingsFromConfig } from '../../../fixtures/authorizer-settings';
import {
  accessToken,
  makeSigningKey,
  startJwksServer,
  type JwksServer,
  type SigningKey,
} from '../../../fixtures/token-factory';

const CLIENT_ID = 'parse-client';
const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:api/v1/GET/api/profile';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
let key: SigningKey;
let jwks: JwksServer;
let authorize: AuthorizerHandler;
const reasons: string[] = [];

beforeAll(async () => {
  key = makeSigningKey('parse');
  jwks = await startJwksServer([key]);
  const logSink = (line: string) => void reasons.push((JSON.parse(line) as { reason: string }).reason);
  authorize = createAuthorizer(settingsFromConfig(configFor('dev'), { issuer: jwks.issuer, clientId: CLIENT_ID }), {
    logSink,
  });
  await authorize.hydrate();
});
afterAll(() => jwks.close());

/** The authorizer's reason code for a token (ALLOWED when its policy allows the route). */
async function reasonFor(token: string): Promise<string> {
  reasons.length = 0;
  await authorize({ type: 'TOKEN', authorizationToken: `Bearer ${token}`, methodArn: METHOD_ARN }).catch(
    (error: unknown) => expect(error).toEqual(new Error('Unauthorized')),
  );
  return reasons[0];
}

const decodes = (token: string) =>
  token
    .split('.')
    .map((part) => Buffer.from(part, 'base64url').toString('hex'))
    .join('.');

/** Random valid tokens: random claims of random lengths (so every part length modulo 4 occurs). */
const validToken = fc
  .record({
    username: fc.string({ minLength: 1, maxLength: 30 }),
    groups: fc.subarray(['admin-group', 'reviewers-group', 'user-group']),
    filler: fc.string({ maxLength: 7 }),
  })
  .map(({ username, groups, filler }) =>
    accessToken({ issuer: jwks.issuer, clientId: CLIENT_ID, key, username, groups, claims: { filler } }),
  );

type Respelling = (parts: string[], part: number, choice: number) => string[] | undefined;

/** Each way to write the same bytes differently; `undefined` where the part has no such spelling. */
const RESPELLINGS: Record<string, Respelling> = {
  'padding added': (parts, part, choice) =>
    parts.map((value, index) => (index === part ? `${value}${'='.repeat(1 + (choice % 2))}` : value)),
  'spare bits set in the last character': (parts, part, choice) => {
    const value = parts[part];
    const spare = value.length % 4 === 2 ? 0x0f : value.length % 4 === 3 ? 0x03 : 0;
    if (spare === 0) return undefined;
    const last = ALPHABET.indexOf(value.at(-1)!);
    const respelled = ALPHABET[(last & ~spare) | (1 + (choice % spare))];
    return parts.map((current, index) => (index === part ? `${value.slice(0, -1)}${respelled}` : current));
  },
  'standard alphabet (+ and /) in the signature': (parts) => {
    if (!/[-_]/.test(parts[2])) return undefined;
    return [parts[0], parts[1], parts[2].replace(/-/g, '+').replace(/_/g, '/')];
  },
  'a character outside the alphabet inside the signature (the decoder skips it)': (parts, _part, choice) => {
    const at = 1 + ((choice * 37) % (parts[2].length - 1));
    return [parts[0], parts[1], `${parts[2].slice(0, at)}${'!~*%'[choice % 4]}${parts[2].slice(at)}`];
  },
};

it.each(Object.keys(RESPELLINGS))(
  '%s: the same bytes, refused as MALFORMED_TOKEN; the token as issued is allowed',
  async (name) => {
    await fc.assert(
      fc.asyncProperty(validToken, fc.nat(2), fc.nat(15), async (token, part, choice) => {
        const respelled = RESPELLINGS[name](token.split('.'), part, choice);
        fc.pre(respelled !== undefined);
        const variant = respelled.join('.');
        expect(variant).not.toBe(token);
        // Buffer's decoder ignores padding and spare bits, and reads + and / as - and _: the same bytes.
        expect(decodes(variant)).toBe(decodes(token));
        expect(await reasonFor(variant)).toBe('MALFORMED_TOKEN');
        expect(await reasonFor(token)).toBe('ALLOWED');
      }),
      { numRuns: 60 },
    );
  },
);

describe('parseAuthorizationHeader', () => {
  const rejected = (header: string): string => {
    try {
      parseAuthorizationHeader(header, 8192);
    } catch (error) {
      if (error instanceof TokenRejectedError) return `${error.reason}: ${error.message}`;
      throw error;
    }
    return 'accepted';
  };

  it('names what is wrong with a token that is not three canonical parts', () => {
    const token = accessToken({ issuer: 'https://issuer.example', clientId: CLIENT_ID, key });
    const [header, payload, signature] = token.split('.');
    expect(rejected(`Bearer ${token}`)).toBe('accepted');
    expect(rejected(`Bearer ${header}.${payload}`)).toBe('MALFORMED_TOKEN: Token is not three base64url parts');
    expect(rejected(`Bearer ${token}.x`)).toBe('MALFORMED_TOKEN: Token is not three base64url parts');
    expect(rejected(`Bearer ${token}=`)).toBe('MALFORMED_TOKEN: Token is padded: base64url parts carry no "="');
    expect(rejected(`Bearer ${header}.${payload}.${signature.slice(0, -1)}`)).toMatch(
      /^MALFORMED_TOKEN: Token is not spelled as canonical base64url$/,
    );
    expect(rejected(`Bearer ${header}.${payload}.`)).toBe(
      'MALFORMED_TOKEN: Token is not spelled as canonical base64url',
    );
    expect(rejected(`Bearer ${header}.${payload}.${signature}\u00e9`)).toBe(
      'MALFORMED_TOKEN: Token is not spelled as canonical base64url',
    );
  });
});
