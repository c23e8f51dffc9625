/**
 * The CLI as a user runs it, under bad input: every failure is exactly one line on stderr
 * starting with "cli: " and a non-zero exit, never a stack trace.
 */
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort, runCli, type CliResult } from '../../support/local-process';

jest.setTimeout(60_000);

let dir: string;
let api: ChildProcess;
let apiUrl: string;

/**
 * A stand-in API in its own process, as a deployed API would be: login succeeds with an already expired access token; refresh is refused.
 */
const STAND_IN_API = `
const expired = 'e30.' + Buffer.from(JSON.stringify({ sub: 's', username: 'u', exp: 1000 })).toString('base64url') + '.c2ln';
const server = require('node:http').createServer((request, response) => {
  const reply = (status, body) => response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  if (request.url === '/auth/login') reply(200, { AccessToken: expired, RefreshToken: 'r', IdToken: expired });
  else if (request.url === '/auth/refresh') reply(401, { message: 'Refresh token is invalid, expired or revoked' });
  else reply(200, { ok: true });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cli-'));
  api = spawn(process.execPath, ['-e', STAND_IN_API], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => api.stdout!.once('data', (chunk) => resolve(String(chunk).trim())));
  apiUrl = `http://127.0.0.1:${port}`;
});
afterAll(() => {
  api.kill();
});

function file(name: string, content: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
}

async function expectOneLineFailure(pending: Promise<CliResult>, pattern: RegExp): Promise<void> {
  const result = await pending;
  expect(result.status).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^cli: /);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

const env = (outputs: string, tokens = path.join(dir, 'tokens.json')) => ({ OUTPUTS_FILE: outputs, TOKENS_FILE: tokens });
const goodOutputs = () => file('outputs.json', JSON.stringify({ 'CognitoJwtApi-dev-Api': { ApiUrl: apiUrl } }));

it.each([
  ['a missing outputs file', () => path.join(dir, 'nope.json'), /No outputs file .*npm start/],
  ['malformed outputs.json', () => file('bad.json', '{"CognitoJwtApi-dev-Api": {'), /not valid JSON/],
  ['outputs without ApiUrl', () => file('noapi.json', '{"Stack": {"UserPoolId": "x"}}'), /no ApiUrl/],
  ['outputs that are not an object', () => file('array.json', '[1,2]'), /not a JSON object/],
])('login with %s fails in one line', async (_name, outputs, pattern) => {
  await expectOneLineFailure(runCli(['login', '--username', 'u', '--password', 'p'], env(outputs())), pattern);
});

it('login against an API that is down fails in one line naming it', async () => {
  const closed = file('closed.json', JSON.stringify({ ApiUrl: `http://127.0.0.1:${await freePort()}` }));
  await expectOneLineFailure(runCli(['login', '--username', 'u', '--password', 'p'], env(closed)), /Cannot reach the API at http:\/\/127\.0\.0\.1:\d+ .*npm start/);
});

it.each([
  [['frobnicate'], /Unknown command "frobnicate"/],
  [['login', '--colour'], /Unknown option --colour/],
  [['login', '--username'], /--username needs a value/],
  [['login', '--username', 'u'], /needs --username and --password/],
  [['call', 'GET'], /call needs METHOD and PATH/],
  [['call', 'PUT', '/api/reviews/r', '--header', 'If-Match "3"'], /--header must look like 'Name: value' \(e\.g\. --header 'If-Match: "3"'\); got "If-Match \\"3\\""/],
  [['call', 'PUT', '/api/reviews/r', '--header', 'Bad Name: x'], /--header must look like 'Name: value'/],
  [['call', 'GET', '/api/reviews', '--header'], /--header needs a value/],
])('%j fails in one line', async (args, pattern) => {
  await expectOneLineFailure(runCli(args, env(goodOutputs())), pattern);
});

describe('saved tokens', () => {
  it('reports no saved tokens in one line', async () => {
    await expectOneLineFailure(runCli(['whoami'], env(goodOutputs(), path.join(dir, 'none.json'))), /Not logged in/);
  });

  it('saves tokens with mode 0600, and tightens a file that was opened up, with a warning', async () => {
    const tokenFile = path.join(dir, 'tokens-perm.json');
    expect((await runCli(['login', '--username', 'u', '--password', 'p'], env(goodOutputs(), tokenFile))).status).toBe(0);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    chmodSync(tokenFile, 0o644);
    const who = await runCli(['whoami'], env(goodOutputs(), tokenFile));
    expect(who.status).toBe(0);
    expect(who.stderr.trim()).toMatch(/^warning: .* had permissions 644; set to 600$/);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
  });

  it('reports a corrupted token file in one line with the way out', async () => {
    const corrupted = file('corrupt-tokens.json', '{"apiUrl": "x", "accessT');
    chmodSync(corrupted, 0o600);
    await expectOneLineFailure(runCli(['call', 'GET', '/api/profile'], env(goodOutputs(), corrupted)), /corrupted: run .*logout/);
  });

  it('refreshes an expired access token before a call, and says to log in again when the refresh is refused', async () => {
    const tokenFile = path.join(dir, 'tokens-expired.json');
    expect((await runCli(['login', '--username', 'u', '--password', 'p'], env(goodOutputs(), tokenFile))).status).toBe(0);
    await expectOneLineFailure(runCli(['call', 'GET', '/api/profile'], env(goodOutputs(), tokenFile)), /Refresh failed.*log in again/);
  });

  it('rejects --data that is not JSON in one line', async () => {
    const tokenFile = path.join(dir, 'tokens-data.json');
    await runCli(['login', '--username', 'u', '--password', 'p'], env(goodOutputs(), tokenFile));
    await expectOneLineFailure(runCli(['call', 'POST', '/api/reviews', '--data', '{title:'], env(goodOutputs(), tokenFile)), /--data is not valid JSON/);
  });
});
