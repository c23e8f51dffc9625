/**
 * `npm run smoke`: proves a stage end to end. Temporary users (one per group, one in none) log in
 * through the API's `POST /auth/login`, every route of the access map is called by each of them,
 * by the stage's machine client (client-credentials token, checked against its scopes), with a
 * garbage token and with none, and each answer is checked against what the access map says. Each
 * user also gets AWS credentials from the identity pool, which STS must name as their group's role
 * (the `AWS role` column; no group: the authenticated role).
 * The users are deleted whatever happens (the caller aborts `signal` on Ctrl-C).
 */
import { randomBytes } from 'node:crypto';
import { accessMap, type Route } from '../contracts/access-map';
import { machineClientScopes } from '../config/app-clients';
import { configFor } from '../config/app-config';
import { request, type ApiResponse } from '../cli/http';
import { isJsonObject } from '../contracts/json';
import { SmokeError } from './errors';
import { callOrder, expectationFor, harmlessRequest, matches, renderTable, type Caller, type Cell } from './matrix';
import { ROLE_COLUMN, roleCell } from './identity-pool';
import { machineAccessToken, machineCredentials } from './machine-client';
import { targetFromOutputs, type SmokeTarget } from './target';
import { TEMPORARY_USER_PREFIX, createUser, deleteUsers, planUsers, type TemporaryUser } from './temporary-users';

export interface SmokeOptions {
  readonly outputsFile: string;
  /**
   * The access map the answers are checked against.
   * @default the project's (lib/contracts/access-map.ts)
   */
  readonly routes?: readonly Route[];
  /** Progress, the table and the verdict, line by line. */
  readonly print: (line: string) => void;
  /** Aborted on Ctrl-C: the run stops at the next step and deletes its users. */
  readonly signal?: AbortSignal;
}

export interface SmokeReport {
  /** Every cell as the access map says, and every temporary user deleted. */
  readonly ok: boolean;
  readonly table: string;
  readonly mismatches: number;
  /** Temporary users that could not be deleted, with why (normally none). */
  readonly leftovers: readonly string[];
}

const GARBAGE_TOKEN = 'not-a-jwt';
const LEGEND =
  '✓: as the access map says (allowed: past the authorizer, the backend answered 2xx, or 400/404 to a request that names nothing; 403: forbidden; 401: no valid token)';

export async function runSmoke(options: SmokeOptions): Promise<SmokeReport> {
  const target = targetFromOutputs(options.outputsFile);
  const routes = options.routes ?? accessMap;
  const runId = randomBytes(4).toString('hex');
  const probe = new RouteProbe(target, routes, `${TEMPORARY_USER_PREFIX}${runId}-nothing`, options.signal);
  const rows: Array<{ caller: Caller; cells: Array<Cell | undefined> }> = [];
  // Callers without a valid token first: the first call shows the API is reachable before any user exists.
  for (const caller of [
    { kind: 'no-token', label: '(no token)' },
    { kind: 'garbage-token', label: '(garbage token)' },
  ] as const) {
    // No password, so no sign-in cell.
    rows.push({
      caller,
      cells: [
        undefined,
        undefined,
        ...(await probe.callEveryRoute(caller, caller.kind === 'garbage-token' ? GARBAGE_TOKEN : undefined)),
      ],
    });
  }
  const users = planUsers(
    configFor().groups.map((group) => group.name),
    runId,
  );
  const client = target.cognito();
  let leftovers: string[];
  try {
    for (const user of users) {
      options.signal?.throwIfAborted();
      await createUser(client, target.userPoolId, user).catch((error: unknown) => {
        throw creationError(error, user, target);
      });
    }
    options.print(
      `Created ${users.length} temporary users (${TEMPORARY_USER_PREFIX}${runId}-*) in ${target.userPoolId}`,
    );
    for (const user of users) rows.push(await probe.signInAndCallEveryRoute(user));
  } finally {
    leftovers = await deleteUsers(client, target.userPoolId, users);
    client.destroy();
  }
  if (!target.roleCheck) options.print('No IdentityPoolId output: no AWS role column cells.');
  if (target.machineClientId) rows.push(await machineRow(target, options, probe, routes));
  else options.print('No MachineClientId output: no machine row.');
  const table = renderTable(
    rows.map((row) => row.caller),
    ['sign in', ROLE_COLUMN, ...routes.map((route) => `${route.method} ${route.path}`)],
    rows.map((row) => row.cells),
  );
  const cells = rows.flatMap((row) => row.cells).filter((cell) => cell !== undefined);
  const mismatches = cells.filter((cell) => !cell.matched).length;
  options.print(LEGEND);
  options.print(table);
  options.print(
    mismatches === 0
      ? `All ${cells.length} answers are what the access map says.`
      : `${mismatches} of ${cells.length} answers differ from the access map.`,
  );
  if (leftovers.length === 0) options.print(`Deleted the ${users.length} temporary users.`);
  return { ok: mismatches === 0 && leftovers.length === 0, table, mismatches, leftovers };
}

/** The machine client's row: its token (client-credentials grant) on every route, expected from its configured scopes. */
async function machineRow(
  target: SmokeTarget,
  options: SmokeOptions,
  probe: RouteProbe,
  routes: readonly Route[],
): Promise<{ caller: Caller; cells: Array<Cell | undefined> }> {
  const machine = configFor().machineClients[0];
  const caller: Caller = {
    kind: 'machine',
    label: `(machine ${machine.name})`,
    scopes: machineClientScopes(machine, routes),
  };
  const credentials = await machineCredentials(target, options.outputsFile);
  const { token, problem } = await machineAccessToken(target, credentials, options.signal);
  if (problem) options.print(`Machine client token: ${problem}`);
  const signIn: Cell = { expected: 'allowed', outcome: token ? 200 : 'refused', matched: token !== undefined };
  return {
    caller,
    cells: [signIn, undefined, ...(token ? await probe.callEveryRoute(caller, token) : probe.unreached(caller))],
  };
}

/** The access token in `POST /auth/login`'s answer: the one place that knows the answer's shape. */
export function accessTokenOf(response: ApiResponse): string | undefined {
  const body = response.body;
  return response.status === 200 && isJsonObject(body) && typeof body.access_token === 'string'
    ? body.access_token
    : undefined;
}

/** The ID token in `POST /auth/login`'s answer. */
function idTokenOf(response: ApiResponse): string | undefined {
  const body = response.body;
  return isJsonObject(body) && typeof body.id_token === 'string' ? body.id_token : undefined;
}

class RouteProbe {
  constructor(
    private readonly target: SmokeTarget,
    private readonly routes: readonly Route[],
    private readonly nothing: string,
    private readonly signal?: AbortSignal,
  ) {}

  /** `bearer`: the token to send as `Authorization: Bearer <token>`, if any. */
  async callEveryRoute(caller: Caller, bearer?: string): Promise<Cell[]> {
    const cells: Cell[] = [];
    for (const index of callOrder(this.routes)) {
      this.signal?.throwIfAborted();
      const route = this.routes[index];
      const { path, body } = harmlessRequest(route, this.nothing);
      const response = await request(this.target.apiUrl, route.method, path, { body, bearer, signal: this.signal });
      const expected = expectationFor(route, caller);
      cells[index] = { expected, outcome: response.status, matched: matches(expected, response.status) };
    }
    return cells;
  }

  async signInAndCallEveryRoute(user: TemporaryUser): Promise<{ caller: Caller; cells: Array<Cell | undefined> }> {
    this.signal?.throwIfAborted();
    const caller: Caller = { kind: 'user', label: user.label, groups: user.groups };
    const login = await request(this.target.apiUrl, 'POST', '/auth/login', {
      body: { username: user.username, password: user.password },
      signal: this.signal,
    });
    const token = accessTokenOf(login);
    const signIn: Cell = { expected: 'allowed', outcome: login.status, matched: token !== undefined };
    // Before the routes: logout, called last, ends the session the ID token belongs to.
    const role =
      this.target.roleCheck && token ? await roleCell(this.target.roleCheck, user.groups, idTokenOf(login)) : undefined;
    return {
      caller,
      cells: [signIn, role, ...(token ? await this.callEveryRoute(caller, token) : this.unreached(caller))],
    };
  }

  /** The row of a caller that got no token: every cell a mismatch. */
  unreached(caller: Caller): Cell[] {
    return this.routes.map((route): Cell => ({
      expected: expectationFor(route, caller),
      outcome: 'no token',
      matched: false,
    }));
  }
}

function creationError(error: unknown, user: TemporaryUser, target: SmokeTarget): SmokeError {
  const detail = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
  const hint = target.local
    ? 'is `npm start` running, and is the outputs file its current one?'
    : "check that your AWS credentials (AWS_PROFILE, or aws sso login) reach the stage's account and may call cognito-idp Admin* on the pool";
  return new SmokeError(
    `Cannot create the temporary user ${user.username} in ${target.userPoolId} (${detail}): ${hint}`,
  );
}
