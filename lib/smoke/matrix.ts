/**
 * The caller × route matrix the smoke run checks: what the access map says each caller gets on
 * each route, the request that asks without changing anything, and the printed table.
 */
import { grants, grantsScopes, isPublic, type Route } from '../contracts/access-map';

/** A row: a user (with groups, possibly none), a machine client (with the scopes it is given), or a caller without a valid token. */
export type Caller =
  | { readonly kind: 'user'; readonly label: string; readonly groups: readonly string[] }
  | { readonly kind: 'machine'; readonly label: string; readonly scopes: readonly string[] }
  | { readonly kind: 'garbage-token'; readonly label: string }
  | { readonly kind: 'no-token'; readonly label: string };

/**
 * `allowed`: past the authorizer, the backend answered (2xx, or 400/404 to a request that names
 * nothing); `forbidden`: 403; `unauthorized`: 401; `reachable`: a public route answered (not 401/403/5xx);
 * `role`: the identity pool's credentials are of the caller's role (lib/smoke/identity-pool.ts).
 */
export type Expectation = 'allowed' | 'forbidden' | 'unauthorized' | 'reachable' | 'role';

export interface Cell {
  readonly expected: Expectation;
  /** HTTP status, or a word for what kept the call from happening (e.g. `no login`). */
  readonly outcome: number | string;
  readonly matched: boolean;
}

export function expectationFor(route: Route, caller: Caller): Expectation {
  // Logout checks the token itself: without a person's valid token it is a 401 like any protected route.
  if (route.endsSession && caller.kind !== 'user') return 'unauthorized';
  if (isPublic(route)) return 'reachable';
  if (caller.kind === 'machine') return grantsScopes(route, caller.scopes) ? 'allowed' : 'forbidden';
  if (caller.kind !== 'user') return 'unauthorized';
  return grants(route, caller.groups) ? 'allowed' : 'forbidden';
}

export function matches(expected: Expectation, status: number): boolean {
  switch (expected) {
    case 'forbidden':
      return status === 403;
    case 'unauthorized':
      return status === 401;
    default:
      return status < 500 && status !== 401 && status !== 403;
  }
}

/**
 * The order to call the routes in: as listed, but those that end the caller's session (logout)
 * last, so the token still works for every other route. Indexes into `routes`.
 */
export function callOrder(routes: readonly Route[]): number[] {
  const indexes = routes.map((_, index) => index);
  return [
    ...indexes.filter((index) => !routes[index].endsSession),
    ...indexes.filter((index) => routes[index].endsSession),
  ];
}

/**
 * A request that changes nothing but the caller's own session (logout, called last): path
 * parameters name nothing that exists, and every body is `{}`, which each handler refuses (400)
 * before it would write.
 */
export function harmlessRequest(route: Route, nothing: string): { path: string; body?: unknown } {
  const path = route.path.replace(/\{[^}]+\}/g, encodeURIComponent(nothing));
  return route.method === 'GET' || route.method === 'DELETE' ? { path } : { path, body: {} };
}

const SHORT: Readonly<Record<Expectation, string>> = {
  allowed: 'allowed',
  forbidden: '403',
  unauthorized: '401',
  reachable: 'reachable',
  role: 'its role',
};

/**
 * The table: one row per caller, one column per route; a cell is the status and ✓, or ✗ and what
 * was expected; `-` where the column does not apply to the caller.
 */
export function renderTable(
  callers: readonly Caller[],
  columns: readonly string[],
  cells: ReadonlyArray<ReadonlyArray<Cell | undefined>>,
): string {
  const text = cells.map((row) =>
    row.map((cell) => (cell ? `${cell.outcome} ${cell.matched ? '✓' : `✗ want ${SHORT[cell.expected]}`}` : '-')),
  );
  const firstWidth = Math.max(6, ...callers.map((caller) => caller.label.length));
  const widths = columns.map((column, index) => Math.max(column.length, ...text.map((row) => row[index].length)));
  const line = (first: string, rest: readonly string[]): string =>
    [first.padEnd(firstWidth), ...rest.map((value, index) => value.padEnd(widths[index]))].join('  ').trimEnd();
  return [line('caller', columns), ...callers.map((caller, index) => line(caller.label, text[index]))].join('\n');
}
