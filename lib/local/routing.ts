/**
 * How API Gateway's resource tree sees a request target: literally. Only origin-form targets
 * (`/path?query`) are routed; the path is split on `/` as sent, so `//x/api/…` is not `/api/…`,
 * and nothing is normalized (no `//` collapsing, no dot segments, no host taken from the target).
 */
import { matchPath, type Route } from '../contracts/access-map';

export interface RequestTarget {
  /** The path exactly as sent. */
  readonly path: string;
  readonly query: URLSearchParams;
}

/** An origin-form target; `undefined` for absolute-form (`http://host/…`), authority-form or `*`. */
export function parseRequestTarget(raw: string | undefined): RequestTarget | undefined {
  if (raw === undefined || !raw.startsWith('/')) return undefined;
  const queryStart = raw.indexOf('?');
  if (queryStart === -1) return { path: raw, query: new URLSearchParams() };
  return { path: raw.slice(0, queryStart), query: new URLSearchParams(raw.slice(queryStart + 1)) };
}

/** Every resource of the tree the routes build: the root, each route's path and every prefix of it. */
export function resourcePaths(routes: readonly Route[]): string[] {
  const paths = new Set<string>(['/']);
  for (const route of routes) {
    const parts = route.path.split('/');
    for (let end = 2; end <= parts.length; end++) paths.add(parts.slice(0, end).join('/'));
  }
  return [...paths];
}

/** Whether `path` names a resource of the tree (where API Gateway answers a CORS preflight). */
export function isResource(resources: readonly string[], path: string): boolean {
  return resources.some((resource) => matchPath(resource, path) !== undefined);
}
