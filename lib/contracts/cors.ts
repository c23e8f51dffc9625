/**
 * CORS, decided once for the deployed API and the local gateway. Three kinds of response carry it:
 *   - preflights (OPTIONS): API Gateway's mock integration, which the CDK API builds from
 *     `preflightOptions` and the local gateway answers with `preflightHeaders`;
 *   - API Gateway's own answers (401, 403, 5xx …): static gateway response headers,
 *     `gatewayResponseCorsHeaders`, in the CDK API and the local gateway alike;
 *   - the backends' answers: API Gateway adds nothing to a Lambda proxy response, so the
 *     backends themselves send `responseCorsHeaders` (lambda/shared/backend.ts), deployed and locally.
 *
 * Must stay free of aws-cdk-lib imports: the backends bundle it.
 */
import type { Route } from './access-map';

export interface CorsPolicy {
  /** Origins a browser app may call from; the first is what API Gateway's static headers name. */
  readonly allowOrigins: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly allowMethods: readonly string[];
  /** Browsers send cookies (the refresh cookie) and read answers of credentialed requests. */
  readonly allowCredentials: boolean;
}

/** What callers send besides simple headers: the bearer token, the JSON body's type, and the review version to match. */
export const CORS_ALLOW_HEADERS: readonly string[] = ['Authorization', 'Content-Type', 'If-Match'];

/**
 * Response headers a browser app may read besides the CORS-safelisted ones: the review version
 * (`ETag`, sent back in `If-Match`) and where a created review lives (`Location`). Without
 * `Access-Control-Expose-Headers` a cross-origin `fetch` sees both as `null`.
 */
export const CORS_EXPOSE_HEADERS: readonly string[] = ['ETag', 'Location'];

/** `scheme://host[:port]`, nothing after: what a browser sends in `Origin`. */
const ORIGIN_PATTERN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$|^http:\/\/\[[0-9a-fA-F:]+\](:\d{1,5})?$/;

export class CorsConfigError extends Error {
  readonly name = 'CorsConfigError';
}

/** The CORS policy of an API serving `routes` to browser apps on `origins`; throws on an origin that is not one. */
export function corsPolicy(origins: readonly string[], routes: readonly Route[]): CorsPolicy {
  if (origins.length === 0) throw new CorsConfigError('CORS needs at least one allowed origin');
  for (const origin of origins) {
    if (!ORIGIN_PATTERN.test(origin)) {
      throw new CorsConfigError(
        `"${origin}" is not an origin: use scheme://host[:port] with no path (and no "*": credentials are allowed)`,
      );
    }
  }
  return {
    allowOrigins: [...new Set(origins)],
    allowHeaders: CORS_ALLOW_HEADERS,
    allowMethods: [...new Set(routes.map((route) => route.method))],
    allowCredentials: true,
  };
}

/** Whether `origin` (the request's `Origin` header) may read answers. Exact match, as browsers compare. */
export function isAllowedOrigin(allowOrigins: readonly string[], origin: string | undefined): origin is string {
  return origin !== undefined && allowOrigins.includes(origin);
}

/**
 * The headers of a preflight answer, as API Gateway's CORS mock integration (CDK `addCorsPreflight`)
 * sends them: always the first origin, replaced by the request's `Origin` when it is one of the others.
 */
export function preflightHeaders(policy: CorsPolicy, requestOrigin: string | undefined): Record<string, string> {
  const [first, ...others] = policy.allowOrigins;
  const headers: Record<string, string> = {
    'Access-Control-Allow-Headers': policy.allowHeaders.join(','),
    'Access-Control-Allow-Origin': isAllowedOrigin(others, requestOrigin) ? requestOrigin : first,
    Vary: 'Origin',
    'Access-Control-Allow-Methods': policy.allowMethods.join(','),
  };
  if (policy.allowCredentials) headers['Access-Control-Allow-Credentials'] = 'true';
  return headers;
}

/** Preflight status: CDK's default for the mock integration. */
export const PREFLIGHT_STATUS = 204;

/** API Gateway's own answers carry static headers (gateway responses cannot choose per request). */
export function gatewayResponseCorsHeaders(policy: CorsPolicy): Record<string, string> {
  return { 'Access-Control-Allow-Origin': policy.allowOrigins[0], Vary: 'Origin' };
}

/**
 * A backend's answer: the request's origin echoed when allowed (with credentials, and the headers it
 * may read), else only `Vary`; nothing without CORS.
 */
export function responseCorsHeaders(
  allowOrigins: readonly string[],
  requestOrigin: string | undefined,
): Record<string, string> {
  if (allowOrigins.length === 0) return {};
  if (!isAllowedOrigin(allowOrigins, requestOrigin)) return { Vary: 'Origin' };
  return {
    'Access-Control-Allow-Origin': requestOrigin,
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Expose-Headers': CORS_EXPOSE_HEADERS.join(','),
    Vary: 'Origin',
  };
}

/** The origins the local system allows: its own on the port it runs on, then the configured ones. */
export function localAllowedOrigins(configured: readonly string[], apiPort: number): string[] {
  return [...new Set([`http://localhost:${apiPort}`, `http://127.0.0.1:${apiPort}`, ...configured])];
}
