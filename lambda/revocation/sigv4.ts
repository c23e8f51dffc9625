/**
 * AWS Signature Version 4 for one JSON-protocol POST (DynamoDB's API): the headers to send, the
 * Authorization among them. Written here rather than taken from `aws4` because that package put the
 * authorizer's bundle over its budget with policy compression, for no time saved (numbers:
 * bench/README.md); the test compares every signature with the AWS SDK's own signer. The local STS
 * checks its callers' signatures with `sigV4Signature` too.
 */
import { createHash, createHmac } from 'node:crypto';

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SignedPost {
  /** Host (with its port when not the default), region and service of the endpoint. */
  readonly host: string;
  readonly region: string;
  readonly service: string;
  /** Headers to sign besides host, date, length and token, names in lowercase. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** `20261203T101500Z` */
  readonly amzDate: string;
}

/** SHA-256 of a text, in hex (SigV4's payload and canonical-request hashes). */
export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: string | Buffer, text: string): Buffer => createHmac('sha256', key).update(text, 'utf8').digest();

/** The request's headers, signed: what it adds are `host`, `x-amz-date`, `content-length`, the token and `authorization`. */
export function signPost(request: SignedPost, credentials: SigningCredentials): Record<string, string> {
  const headers: Record<string, string> = {
    ...request.headers,
    host: request.host,
    'x-amz-date': request.amzDate,
    'content-length': String(Buffer.byteLength(request.body, 'utf8')),
    ...(credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {}),
  };
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    'POST',
    '/',
    '',
    ...names.map((name) => `${name}:${headers[name].trim().replace(/\s+/g, ' ')}`),
    '',
    signedHeaders,
    sha256Hex(request.body),
  ].join('\n');
  const scope = credentialScope(request.amzDate, request.region, request.service);
  const signature = sigV4Signature(canonicalRequest, request.amzDate, request, credentials.secretAccessKey);
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

/** `<day>/<region>/<service>/aws4_request`, the day taken from the request's `x-amz-date`. */
export function credentialScope(amzDate: string, region: string, service: string): string {
  return `${amzDate.slice(0, 8)}/${region}/${service}/aws4_request`;
}

/** The signature (hex) of a canonical request, made on `amzDate` for a region and service. The local STS checks callers with it too. */
export function sigV4Signature(
  canonicalRequest: string,
  amzDate: string,
  { region, service }: { readonly region: string; readonly service: string },
  secretAccessKey: string,
): string {
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    credentialScope(amzDate, region, service),
    sha256Hex(canonicalRequest),
  ].join('\n');
  const key = [amzDate.slice(0, 8), region, service, 'aws4_request'].reduce<string | Buffer>(
    (previous, part) => hmac(previous, part),
    `AWS4${secretAccessKey}`,
  );
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}
