/**
 * What we hold API Gateway to, as data: a REST API whose resources and methods come from the access
 * map, a TOKEN authorizer on the Authorization header, Lambda proxy integrations and CDK's CORS
 * preflights (lib/constructs/api.ts). gateway-differential.int.test.ts sends each request through the
 * local gateway and checks it answers the same. Each row says why we expect what it expects.
 */
import { LAMBDA_PAYLOAD_LIMIT_BYTES } from '../../../lib/local/proxy-event';

/** Who calls: `admin`/`user` are valid tokens of those groups; the rest are what their names say. */
export type Credential = 'admin' | 'user' | 'garbage' | 'empty' | 'admin-twice' | 'admin-and-garbage';

export interface GatewayExpectation {
  readonly name: string;
  readonly because: string;
  readonly request: {
    readonly method: string;
    /** The request target exactly as sent. */
    readonly target: string;
    readonly credential?: Credential;
    readonly origin?: string;
    /** A JSON body of this many bytes. */
    readonly bodyBytes?: number;
  };
  readonly expected: {
    readonly status: number;
    /** The gateway's own JSON message, when it answers itself. */
    readonly message?: string;
    readonly authorizerInvoked: boolean;
    readonly reachesBackend: boolean;
    /** Response headers that must have this value, or be absent (`null`). Names in lowercase. */
    readonly headers?: Readonly<Record<string, string | null>>;
  };
}

/** The origin the differential test configures first, and a second one. */
export const FIRST_ORIGIN = 'http://localhost:4100';
export const SECOND_ORIGIN = 'https://app.example.com';

const NOT_ROUTED = {
  status: 403,
  message: 'Missing Authentication Token',
  authorizerInvoked: false,
  reachesBackend: false,
} as const;
const UNAUTHORIZED_UNINVOKED = {
  status: 401,
  message: 'Unauthorized',
  authorizerInvoked: false,
  reachesBackend: false,
} as const;

export const API_GATEWAY_EXPECTATIONS: readonly GatewayExpectation[] = [
  {
    name: 'a route the caller’s group grants',
    because: 'the authorizer allows it and the proxy integration is called',
    request: { method: 'GET', target: '/api/admin/users', credential: 'admin' },
    expected: { status: 200, authorizerInvoked: true, reachesBackend: true },
  },
  {
    name: 'a doubled leading slash',
    because: 'the resource tree matches the path segment by segment as sent: an empty first segment is no resource',
    request: { method: 'GET', target: '//x/api/admin/users', credential: 'admin' },
    expected: NOT_ROUTED,
  },
  {
    name: 'a host smuggled into the path',
    because: '`//evil.com/api/…` is a path whose first segment is empty, not a URL with a host',
    request: { method: 'GET', target: '//evil.com/api/admin/users', credential: 'admin' },
    expected: NOT_ROUTED,
  },
  {
    name: 'an absolute-form request target',
    because: 'the API routes paths; a target naming a host is not one of its resources',
    request: { method: 'GET', target: 'http://evil.com/api/admin/users', credential: 'admin' },
    expected: NOT_ROUTED,
  },
  {
    name: 'an empty segment inside the path',
    because: 'no `//` collapsing: `/api//admin/users` has a segment no resource has',
    request: { method: 'GET', target: '/api//admin/users', credential: 'admin' },
    expected: NOT_ROUTED,
  },
  {
    name: 'a dot segment',
    because: 'no normalization: `..` is a literal segment, not a step up',
    request: { method: 'GET', target: '/api/reviews/../admin/users', credential: 'admin' },
    expected: NOT_ROUTED,
  },
  {
    name: 'another letter case',
    because: 'resource paths are case-sensitive',
    request: { method: 'GET', target: '/API/profile', credential: 'admin' },
    expected: NOT_ROUTED,
  },
  {
    name: 'a method the resource does not have',
    because: 'REST APIs answer an undefined method like an undefined resource',
    request: { method: 'PATCH', target: '/api/profile', credential: 'admin' },
    expected: NOT_ROUTED,
  },
  {
    name: 'no Authorization header',
    because: 'a TOKEN authorizer’s identity source missing: 401 without invoking the authorizer',
    request: { method: 'GET', target: '/api/profile' },
    expected: UNAUTHORIZED_UNINVOKED,
  },
  {
    name: 'an empty Authorization header',
    because: 'an empty identity source is a missing one',
    request: { method: 'GET', target: '/api/profile', credential: 'empty' },
    expected: UNAUTHORIZED_UNINVOKED,
  },
  {
    name: 'the same Authorization header twice',
    because:
      'two identity source values: which one would be authorized, and which would the backend see? 401, unauthorized',
    request: { method: 'GET', target: '/api/profile', credential: 'admin-twice' },
    expected: UNAUTHORIZED_UNINVOKED,
  },
  {
    name: 'a valid and a forged Authorization header',
    because: 'authorizing the first and handing the backend the last would let one token speak for another',
    request: { method: 'GET', target: '/api/admin/users', credential: 'admin-and-garbage' },
    expected: UNAUTHORIZED_UNINVOKED,
  },
  {
    name: 'a token the authorizer rejects',
    because: 'the authorizer throws Unauthorized: 401, after it ran',
    request: { method: 'GET', target: '/api/profile', credential: 'garbage' },
    expected: { status: 401, message: 'Unauthorized', authorizerInvoked: true, reachesBackend: false },
  },
  {
    name: 'a valid token without the group',
    because: 'the policy denies the method ARN: 403 Forbidden',
    request: { method: 'GET', target: '/api/admin/users', credential: 'user' },
    expected: { status: 403, message: 'Forbidden', authorizerInvoked: true, reachesBackend: false },
  },
  {
    name: 'a CORS preflight on a route',
    because: 'CDK’s defaultCorsPreflightOptions add an OPTIONS mock integration to every resource, without authorizer',
    request: { method: 'OPTIONS', target: '/api/profile', origin: FIRST_ORIGIN },
    expected: {
      status: 204,
      authorizerInvoked: false,
      reachesBackend: false,
      headers: {
        'access-control-allow-origin': FIRST_ORIGIN,
        'access-control-allow-methods': 'POST,GET,DELETE,PUT',
        'access-control-allow-headers': 'Authorization,Content-Type,If-Match',
        'access-control-allow-credentials': 'true',
        vary: 'Origin',
      },
    },
  },
  {
    name: 'a CORS preflight from the second allowed origin',
    because: 'CDK’s response template replaces the first origin with the request’s when it is one of the others',
    request: { method: 'OPTIONS', target: '/api/admin/users/u-1', origin: SECOND_ORIGIN },
    expected: {
      status: 204,
      authorizerInvoked: false,
      reachesBackend: false,
      headers: { 'access-control-allow-origin': SECOND_ORIGIN },
    },
  },
  {
    name: 'a CORS preflight from an origin not allowed',
    because: 'the mock integration names the first origin; the browser then refuses',
    request: { method: 'OPTIONS', target: '/api/profile', origin: 'https://evil.example' },
    expected: {
      status: 204,
      authorizerInvoked: false,
      reachesBackend: false,
      headers: { 'access-control-allow-origin': FIRST_ORIGIN },
    },
  },
  {
    name: 'a CORS preflight on an intermediate resource',
    because: '`/api` is a resource of the tree (a parent of the routes), so it has the OPTIONS method too',
    request: { method: 'OPTIONS', target: '/api', origin: FIRST_ORIGIN },
    expected: { status: 204, authorizerInvoked: false, reachesBackend: false },
  },
  {
    name: 'a CORS preflight on no resource',
    because: 'no resource, no OPTIONS method',
    request: { method: 'OPTIONS', target: '/nope', origin: FIRST_ORIGIN },
    expected: NOT_ROUTED,
  },
  {
    name: 'the gateway’s own 401',
    because: 'the UNAUTHORIZED gateway response carries the static CORS headers the API configures',
    request: { method: 'GET', target: '/api/profile', origin: SECOND_ORIGIN },
    expected: { ...UNAUTHORIZED_UNINVOKED, headers: { 'access-control-allow-origin': FIRST_ORIGIN, vary: 'Origin' } },
  },
  {
    name: 'a backend answer',
    because: 'API Gateway adds no header to a proxy integration’s answer: CORS headers are the backend’s to send',
    request: { method: 'GET', target: '/api/profile', credential: 'user', origin: FIRST_ORIGIN },
    expected: {
      status: 200,
      authorizerInvoked: true,
      reachesBackend: true,
      headers: { 'access-control-allow-origin': null, vary: null },
    },
  },
  {
    name: 'a body just within Lambda’s 6 MB payload',
    because: 'the serialized event stays under Lambda’s synchronous payload limit',
    request: { method: 'POST', target: '/auth/login', bodyBytes: LAMBDA_PAYLOAD_LIMIT_BYTES - 64 * 1024 },
    expected: { status: 200, authorizerInvoked: false, reachesBackend: true },
  },
  {
    name: 'a body above Lambda’s 6 MB payload',
    because: 'Lambda refuses a synchronous payload above 6 MB: 413, the backend never runs',
    request: { method: 'POST', target: '/auth/login', bodyBytes: LAMBDA_PAYLOAD_LIMIT_BYTES + 1 },
    expected: { status: 413, message: 'Request Too Long', authorizerInvoked: false, reachesBackend: false },
  },
  {
    name: 'a body above 6 MB without a token',
    because: 'the authorizer runs before the integration: a missing token is answered first',
    request: { method: 'POST', target: '/api/reviews', bodyBytes: LAMBDA_PAYLOAD_LIMIT_BYTES + 1 },
    expected: UNAUTHORIZED_UNINVOKED,
  },
];
