/**
 * `npm run smoke` against the local system (`npm start` on free ports, the real emulator): it
 * passes, prints the group × route table, fails on an answer the access map does not predict, stops
 * cleanly on Ctrl-C, and never leaves a temporary user behind (checked with ListUsers every time).
 */
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { accessMap, type Route } from '../../lib/contracts/access-map';
import { configFor } from '../../lib/config/app-config';
import { localRoleArn, roleNameOf } from '../../lib/config/identity-pool';
import { runSmoke } from '../../lib/smoke/smoke';
import { TEMPORARY_USER_PREFIX } from '../../lib/smoke/temporary-users';
import { freePort, spawnScript, startLocalProcess, type LocalProcess } from '../support/local-process';

jest.setTimeout(90_000);

/** One AWS role cell per temporary user: one per group and one in none. */
const ROLE_CELLS = configFor('dev').groups.length + 1;
let local: LocalProcess;
let outputsFile: string;

beforeAll(async () => {
  local = await startLocalProcess();
  outputsFile = path.join(local.dir, 'outputs.json');
});
afterAll(async () => {
  await local?.stop();
});

/** Users of the pool whose names say they are the smoke run's. */
async function temporaryUsers(): Promise<string[]> {
  const client = new CognitoIdentityProviderClient({
    endpoint: `http://127.0.0.1:${local.cognitoPort}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const { Users = [] } = await client.send(new ListUsersCommand({ UserPoolId: local.outputs.UserPoolId }));
    return Users.map((user) => user.Username ?? '').filter((name) => name.startsWith(TEMPORARY_USER_PREFIX));
  } finally {
    client.destroy();
  }
}

it('passes against the local system, prints the group × route table, and leaves no user behind', async () => {
  const result = await spawnScript('lib/smoke/main.ts', ['--outputs', outputsFile], {}).result;
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const lines = result.stdout.split('\n');
  const header = lines.find((line) => line.startsWith('caller'));
  for (const route of accessMap) expect(header).toContain(`${route.method} ${route.path}`);
  for (const caller of [
    '(no token)',
    '(garbage token)',
    'admin-group',
    'reviewers-group',
    'user-group',
    '(no group)',
    '(machine machine-client)',
  ]) {
    expect(lines.some((line) => line.startsWith(`${caller} `))).toBe(true);
  }
  const admin = lines.find((line) => line.startsWith('admin-group '))!;
  expect(admin.match(/\d{3} ✓/g)).toHaveLength(accessMap.length + 1);
  expect(admin).toContain('403 ✓'); // reviews are not an admin's
  // The identity pool's credentials, as STS names them: the group's role; no group, the authenticated role.
  expect(admin).toContain(`${roleNameOf(localRoleArn(configFor('dev'), 'admin-group'))} ✓`);
  expect(lines.find((line) => line.startsWith('(no group) '))).toContain(
    `${roleNameOf(localRoleArn(configFor('dev'), 'authenticated'))} ✓`,
  );
  expect(lines.find((line) => line.startsWith('(garbage token) '))).toMatch(/(401 ✓.*){5}/);
  // The machine client (every scope): the reviews routes pass the authorizer, nothing else does.
  const machine = lines.find((line) => line.startsWith('(machine machine-client) '))!;
  expect(machine.match(/\d{3} ✓/g)).toHaveLength(accessMap.length + 1);
  expect(machine.match(/403 ✓/g)).toHaveLength(4); // profile and the three admin routes
  expect(result.stdout).toContain(
    `All ${5 * (accessMap.length + 1) + ROLE_CELLS + 2 * accessMap.length} answers are what the access map says.`,
  );
  expect(await temporaryUsers()).toEqual([]);
});

it('fails when an answer differs from the access map, marks the cell, and still deletes its users', async () => {
  // A map that wrongly says user-group may list users: the real system answers 403.
  const routes: Route[] = accessMap.map((route) =>
    route.path === '/api/admin/users' && route.method === 'GET'
      ? { ...route, access: ['admin-group', 'user-group'] }
      : route,
  );
  const printed: string[] = [];
  const report = await runSmoke({ outputsFile, routes, print: (line) => printed.push(line) });
  expect(report).toMatchObject({ ok: false, mismatches: 1, leftovers: [] });
  expect(report.table.split('\n').find((line) => line.startsWith('user-group '))).toContain('403 ✗ want allowed');
  expect(printed).toContain(
    `1 of ${5 * (accessMap.length + 1) + ROLE_CELLS + 2 * accessMap.length} answers differ from the access map.`,
  );
  expect(await temporaryUsers()).toEqual([]);
});

describe('when it cannot or should not go on', () => {
  const servers: Server[] = [];
  afterAll(() => {
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
  });

  /** An API that answers 401 (400 to a login without credentials) but holds every real sign-in open. */
  async function stallingApi(onSignIn: () => void): Promise<string> {
    const server = createServer((request: IncomingMessage, response: ServerResponse) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (request.url !== '/auth/login')
          return void response.writeHead(401, { 'Content-Type': 'application/json' }).end('{"message":"Unauthorized"}');
        if (!body.includes('username')) return void response.writeHead(400).end('{}');
        onSignIn(); // and never answer
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** The local outputs with another ApiUrl (the pool stays the real emulator's). */
  function outputsWithApi(apiUrl: string): string {
    const file = path.join(local.dir, `outputs-${path.basename(apiUrl).replace(/\W/g, '')}.json`);
    writeFileSync(file, JSON.stringify({ ...local.outputs, ApiUrl: apiUrl }));
    return file;
  }

  it('on Ctrl-C (SIGINT) deletes the users it created and exits 130', async () => {
    let signedIn!: () => void;
    const signInStarted = new Promise<void>((resolve) => (signedIn = resolve));
    const apiUrl = await stallingApi(() => signedIn());
    const run = spawnScript('lib/smoke/main.ts', ['--outputs', outputsWithApi(apiUrl)], {});
    await signInStarted; // every user exists by now: sign-in comes after creation
    expect(await temporaryUsers()).toHaveLength(4);
    run.child.kill('SIGINT');
    const result = await run.result;
    expect(result.status).toBe(130);
    expect(result.stderr).toBe('smoke: SIGINT: stopping after deleting the temporary users\n');
    expect(await temporaryUsers()).toEqual([]);
  });

  it('fails in one line, creating nobody, when the API cannot be reached', async () => {
    const closedPort = await freePort();
    const result = await spawnScript(
      'lib/smoke/main.ts',
      ['--outputs', outputsWithApi(`http://127.0.0.1:${closedPort}`)],
      {},
    ).result;
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`^smoke: Cannot reach the API at http://127\\.0\\.0\\.1:${closedPort} \\(ECONNREFUSED\\).*\\n$`),
    );
    expect(await temporaryUsers()).toEqual([]);
  });

  it.each([
    [
      'a missing outputs file',
      () => path.join(local.dir, 'missing.json'),
      /^smoke: No outputs file at .*missing\.json: run `npm start` \(local\) or `npx cdk deploy --all --outputs-file outputs\.json`, or pass --outputs FILE\n$/,
    ],
    [
      'an outputs file that is not JSON',
      () => writeFile('not-json.json', '{ApiUrl'),
      /^smoke: .*not-json\.json is not valid JSON/,
    ],
    [
      'an outputs file without the pool',
      () => writeFile('api-only.json', JSON.stringify({ Stack: { ApiUrl: local.apiUrl } })),
      /^smoke: .*api-only\.json has no UserPoolId or UserPoolProviderUrl output/,
    ],
  ])('fails in one line on %s', async (_name, file, message) => {
    const result = await spawnScript('lib/smoke/main.ts', ['--outputs', file()], {}).result;
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.split('\n')).toHaveLength(2); // one line and its newline
  });
});

function writeFile(name: string, text: string): string {
  const file = path.join(local.dir, name);
  writeFileSync(file, text);
  return file;
}
