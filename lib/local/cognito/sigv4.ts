/**
 * Checks an AWS Signature Version 4 `Authorization` header (header-signed requests, as the SDK
 * sends them) with the secret the local system issued for its access key id: the local STS uses it
 * to know who calls. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
import { timingSafeEqual } from 'node:crypto';
import { sha256Hex, sigV4Signature } from '../../../lambda/revocation/sigv4';

/** What a SigV4 `Authorization` header names. */
export interface SigV4Authorization {
  readonly accessKeyId: string;
  /** `YYYYMMDD` */
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

export interface SignedRequest {
  readonly method: string;
  /** Path and query as sent (`request.url`). */
  readonly url: string;
  /** Header names in lower case, as Node gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** The parts of a SigV4 `Authorization` header, or undefined if it is not one. */
export function parseSigV4Authorization(header: string | undefined): SigV4Authorization | undefined {
  const match = AUTHORIZATION.exec(header ?? '');
  if (!match) return undefined;
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

/** Whether `authorization` is the signature of `request` with `secretAccessKey` (host and x-amz-date must be signed). */
export function hasValidSignature(
  request: SignedRequest,
  authorization: SigV4Authorization,
  secretAccessKey: string,
): boolean {
  const amzDate = headerValue(request.headers['x-amz-date']);
  const { signedHeaders } = authorization;
  if (!signedHeaders.includes('host') || !amzDate?.startsWith(authorization.date)) return false;
  let canonical: string;
  try {
    canonical = canonicalRequest(request, signedHeaders);
  } catch {
    return false; // a malformed percent-encoding in the path
  }
  const expected = Buffer.from(sigV4Signature(canonical, amzDate, authorization, secretAccessKey), 'hex');
  return timingSafeEqual(expected, Buffer.from(authorization.signature, 'hex'));
}

function canonicalRequest(request: SignedRequest, signedHeaders: readonly string[]): string {
  const url = new URL(request.url, 'http://localhost');
  const headers = signedHeaders.map(
    (name) => `${name}:${(headerValue(request.headers[name]) ?? '').trim().replace(/\s+/g, ' ')}\n`,
  );
  return [
    request.method,
    url.pathname
      .split('/')
      .map((segment) => encode(decodeURIComponent(segment)))
      .join('/'),
    canonicalQuery(url.searchParams),
    headers.join(''),
    signedHeaders.join(';'),
    headerValue(request.headers['x-amz-content-sha256']) ?? sha256Hex(request.body),
  ].join('\n');
}

function canonicalQuery(params: URLSearchParams): string {
  return [...params]
    .map(([name, value]) => [encode(name), encode(value)])
    .sort(([a, x], [b, y]) => (a === b ? compare(x, y) : compare(a, b)))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** RFC 3986 unreserved characters stay; everything else is percent-encoded (SigV4's URI encoding). */
function encode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}
