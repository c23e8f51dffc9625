/** SigV4 checks of the local STS, against requests signed by aws4 (an independent signer). */
import aws4 from 'aws4';
import { hasValidSignature, parseSigV4Authorization, type SignedRequest } from '../../../../lib/local/cognito/sigv4';

const credentials = { accessKeyId: 'ASIALOCALKEY', secretAccessKey: 'secret-1', sessionToken: 'session-1' };
const body = 'Action=GetCallerIdentity&Version=2011-06-15';

/** A request as the server receives it, signed with `secret`. */
function signed(secretAccessKey = credentials.secretAccessKey, path = '/sts?b=2&a=1'): SignedRequest {
  const options = aws4.sign(
    {
      host: '127.0.0.1:9229',
      method: 'POST',
      path,
      service: 'sts',
      region: 'us-east-1',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
    },
    { ...credentials, secretAccessKey },
  );
  const headers = Object.fromEntries(
    Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
  );
  return { method: 'POST', url: path, headers, body };
}

const authorizationOf = (request: SignedRequest) => parseSigV4Authorization(request.headers.authorization as string)!;

it('reads the access key id, scope and signed headers of an Authorization header', () => {
  expect(authorizationOf(signed())).toMatchObject({
    accessKeyId: 'ASIALOCALKEY',
    region: 'us-east-1',
    service: 'sts',
    signedHeaders: expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token']),
  });
  expect(parseSigV4Authorization('Bearer abc')).toBeUndefined();
  expect(parseSigV4Authorization(undefined)).toBeUndefined();
});

it('accepts a request signed with the secret', () => {
  const request = signed();
  expect(hasValidSignature(request, authorizationOf(request), credentials.secretAccessKey)).toBe(true);
  const root = signed(credentials.secretAccessKey, '/');
  expect(hasValidSignature(root, authorizationOf(root), credentials.secretAccessKey)).toBe(true);
});

it('refuses another secret, a changed body, a changed signed header or query', () => {
  const request = signed();
  const authorization = authorizationOf(request);
  expect(hasValidSignature(signed('other'), authorizationOf(signed('other')), credentials.secretAccessKey)).toBe(false);
  expect(hasValidSignature({ ...request, body: `${body}&x=1` }, authorization, credentials.secretAccessKey)).toBe(
    false,
  );
  const headers = { ...request.headers, 'x-amz-security-token': 'session-2' };
  expect(hasValidSignature({ ...request, headers }, authorization, credentials.secretAccessKey)).toBe(false);
  expect(hasValidSignature({ ...request, url: '/sts?a=1' }, authorization, credentials.secretAccessKey)).toBe(false);
});

it('refuses a signature that does not cover the host', () => {
  const request = signed();
  const authorization = { ...authorizationOf(request), signedHeaders: ['x-amz-date'] };
  expect(hasValidSignature(request, authorization, credentials.secretAccessKey)).toBe(false);
});
