/**
 * The access map: which caller may call which route. It is the single source of truth
 * for the API Gateway resources and methods (lib/constructs/api.ts), the authorizer's
 * IAM policies (lambda/authorizer/policy.ts) and the local gateway (lib/local/gateway.ts).
 *
 * Must stay free of aws-cdk-lib imports: it is bundled into the authorizer.
 */
import type { GroupName } from './groups';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/**
 * Who among people may call a route. `public`: no authorizer. `authenticated`: any valid token of
 * a person. A list of groups: the caller must be in at least one of them (exact membership).
 * Machine clients are decided by `scopes` alone (RouteAccess.scopes).
 */
export type Access = 'public' | 'authenticated' | readonly GroupName[];

/** The backend Lambdas; each is `lambda/handlers/<name>.ts`, and serves the routes that name it. */
export const HANDLER_NAMES = ['auth', 'profile', 'adminUsers', 'reviews'] as const;
export type HandlerName = (typeof HANDLER_NAMES)[number];

/**
 * An OAuth scope's short name (`reviews.read`): Cognito's scope-name alphabet (printable ASCII
 * without space, `"`, `/` or `\`). Tokens carry it as `<resource server identifier>/<name>`.
 */
export const SCOPE_NAME_PATTERN = /^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]{1,256}$/;

/** A well-formed resource path: segments of A-Z a-z 0-9 . _ ~ - or a `{param}` (greedy `{param+}`). */
export const ROUTE_PATH_PATTERN = /^(\/([A-Za-z0-9._~-]+|\{[A-Za-z0-9_]+\+?\}))+$/;

/** What deciding a route needs (the authorizer gets only this, through its environment). */
export interface RouteAccess {
  readonly method: HttpMethod;
  /** API Gateway resource path; path parameters as `{name}`. */
  readonly path: string;
  readonly access: 'public' | 'authenticated' | readonly string[];
  /**
   * The OAuth scopes (short names) that let a machine client (client-credentials token) call the
   * route: a machine token is allowed exactly the routes listing one of its scopes. People's
   * tokens are decided by `access` alone.
   * @default none: no machine client may call the route
   */
  readonly scopes?: readonly string[];
}

export interface Route extends RouteAccess {
  readonly access: Access;
  readonly handler: HandlerName;
  /**
   * Public at the gateway, but the handler itself requires and verifies a Bearer access token, and
   * a call ends the session it names (POST /auth/logout). The smoke run expects a 401 without a
   * valid token, and calls it last with one.
   * @default false
   */
  readonly endsSession?: boolean;
}

export const accessMap: readonly Route[] = [
  { method: 'POST', path: '/auth/login', access: 'public', handler: 'auth' },
  { method: 'POST', path: '/auth/refresh', access: 'public', handler: 'auth' },
  { method: 'POST', path: '/auth/token', access: 'public', handler: 'auth' },
  // Public to the gateway: the handler verifies the Bearer token itself (and refuses a revoked one).
  { method: 'POST', path: '/auth/logout', access: 'public', handler: 'auth', endsSession: true },
  { method: 'GET', path: '/api/profile', access: 'authenticated', handler: 'profile' },
  { method: 'GET', path: '/api/admin/users', access: ['admin-group'], handler: 'adminUsers' },
  { method: 'DELETE', path: '/api/admin/users/{id}', access: ['admin-group'], handler: 'adminUsers' },
  // A leaked client secret is a machine's stolen session: every token it was issued so far stops working.
  { method: 'POST', path: '/api/admin/clients/{id}/revoke', access: ['admin-group'], handler: 'adminUsers' },
  { method: 'POST', path: '/api/reviews', access: ['reviewers-group'], scopes: ['reviews.write'], handler: 'reviews' },
  {
    method: 'PUT',
    path: '/api/reviews/{id}',
    access: ['reviewers-group'],
    scopes: ['reviews.write'],
    handler: 'reviews',
  },
  { method: 'GET', path: '/api/reviews', access: 'authenticated', scopes: ['reviews.read'], handler: 'reviews' },
  { method: 'GET', path: '/api/reviews/{id}', access: 'authenticated', scopes: ['reviews.read'], handler: 'reviews' },
];

/** The IAM resource of a route in the authorizer's policies: path parameters become `*`. */
export function routeResource(apiPrefix: string, route: Pick<RouteAccess, 'method' | 'path'>): string {
  return `${apiPrefix}/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`;
}

export function isPublic(route: RouteAccess): boolean {
  return route.access === 'public';
}

/** Whether a caller in `groups` (verified token) may call `route`. */
export function grants(route: RouteAccess, groups: readonly string[]): boolean {
  if (route.access === 'public' || route.access === 'authenticated') return true;
  return route.access.some((group) => groups.includes(group));
}

/** Whether a machine client whose token carries `scopes` (short names) may call `route`. */
export function grantsScopes(route: RouteAccess, scopes: readonly string[]): boolean {
  return route.scopes?.some((scope) => scopes.includes(scope)) ?? false;
}

/** Every scope the routes use, sorted: the resource server's scopes and a machine client's default. */
export function scopesOf(routes: readonly RouteAccess[]): string[] {
  return [...new Set(routes.flatMap((route) => route.scopes ?? []))].sort();
}

const PATH_PARAMETER = /^\{[A-Za-z0-9_]+\+?\}$/;

/** Matches a concrete request path against a route path; returns path parameters or undefined. */
export function matchPath(routePath: string, requestPath: string): Record<string, string> | undefined {
  const routeParts = routePath.split('/');
  const requestParts = requestPath.split('/');
  if (routeParts.length !== requestParts.length) return undefined;
  const parameters: Record<string, string> = {};
  for (let i = 0; i < routeParts.length; i++) {
    const routePart = routeParts[i];
    const requestPart = requestParts[i];
    if (PATH_PARAMETER.test(routePart)) {
      const value = safeDecode(requestPart);
      if (!value) return undefined;
      parameters[routePart.slice(1, -1)] = value;
    } else if (routePart !== requestPart) {
      return undefined;
    }
  }
  return parameters;
}

/** Finds the route for a request, as API Gateway's resource tree would. */
export function findRoute(
  routes: readonly Route[],
  method: string,
  requestPath: string,
): { route: Route; pathParameters: Record<string, string> } | undefined {
  // Literal segments win over parameters, as in API Gateway: try routes with fewer parameters first.
  const candidates = routes
    .filter((route) => route.method === method)
    .sort((a, b) => countParameters(a.path) - countParameters(b.path));
  for (const route of candidates) {
    const pathParameters = matchPath(route.path, requestPath);
    if (pathParameters) return { route, pathParameters };
  }
  return undefined;
}

function countParameters(path: string): number {
  return path.split('/').filter((part) => PATH_PARAMETER.test(part)).length;
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
