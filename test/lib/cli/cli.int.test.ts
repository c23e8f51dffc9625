/**
 * The CLI as a user runs it, under bad input: every failure is exactly one line on stderr
 * starting with "cli: " and a non-zero exit, never a stack trace.
 */
import {
  chmodSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { send } from '../../support/http';
import { freePort, runCli, type CliResult } from '../../support/local-process';

jest.setTimeout(60_000);

let dir: string;
let api: ChildProcess;
let apiUrl: string;

/**
 * A stand-in API in its own process, as a deployed API would be. Login answers in RFC 6749 names: an
 * already expired access token for user "expired", a fresh one otherwise, nothing usable for user
 * "broken". Refresh is refused; /api/rejected answers 401 as the gateway does for a rejected token.
 * Logout answers as the API does and keeps what it was sent, for GET /last-logout.
 */
const STAND_IN_API = `
let lastLogout = null;
const token = (exp) => 'e30.' + Buffer.from(JSON.stringify({ sub: 's', username: 'u', exp })).toString('base64url') + '.c2ln';
const server = require('node:http').createServer((request, response) => {
  const reply = (status, body) => response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  let body = '';
  request.on('data', (chunk) => (body += chunk)).on('end', () => {
    const username = body ? JSON.parse(body).username : undefined;
    if (request.url === '/auth/login' && username === 'broken') reply(200, { AccessToken: 'old-names' });
    else if (request.url === '/auth/login') {
      const access = token(username === 'expired' ? 1000 : Math.floor(Date.now() / 1000) + 3600);
      reply(200, { access_token: access, id_token: access, refresh_token: 'r', expires_in: 3600, token_type: 'Bearer' });
    } else if (request.url === '/auth/refresh') reply(401, { message: 'Refresh token is invalid, expired or revoked' });
    else if (request.url === '/api/rejected') reply(401, { message: 'Unauthorized' });
    else if (request.url === '/auth/logout') {
      lastLogout = { authorization: request.headers.authorization, body: JSON.parse(body) };
      reply(200, { revoked: lastLogout.body.everywhere ? 'everywhere' : 'session' });
    } else if (request.url === '/last-logout') reply(200, lastLogout);
    else reply(200, { ok: true });
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cli-'));
  api = spawn(process.execPath, ['-e', STAND_IN_API], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) =>
    api.stdout!.once('data', (chunk) => resolve(String(chunk).trim())),
  );
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

const env = (outputs: string, tokens = path.join(dir, 'tokens.json')) => ({
  OUTPUTS_FILE: outputs,
  TOKENS_FILE: tokens,
});
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
  await expectOneLineFailure(
    runCli(['login', '--username', 'u', '--password', 'p'], env(closed)),
    /Cannot reach the API at http:\/\/127\.0\.0\.1:\d+ .*npm start/,
  );
});

it.each([
  [['frobnicate'], /Unknown command "frobnicate"/],
  [['login', '--colour'], /Unknown option --colour/],
  [['login', '--username'], /--username needs a value/],
  [['login', '--username', 'u'], /needs --username and --password/],
  [['call', 'GET'], /call needs METHOD and PATH/],
  [
    ['call', 'PUT', '/api/reviews/r', '--header', 'If-Match "3"'],
    /--header must look like 'Name: value' \(e\.g\. --header 'If-Match: "3"'\); got "If-Match \\"3\\""/,
  ],
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
    expect((await runCli(['login', '--username', 'u', '--password', 'p'], env(goodOutputs(), tokenFile))).status).toBe(
      0,
    );
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    chmodSync(tokenFile, 0o644);
    const who = await runCli(['whoami'], env(goodOutputs(), tokenFile));
    expect(who.status).toBe(0);
    expect(who.stderr.trim()).toMatch(/^warning: .* had permissions 644; set to 600$/);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
  });

  it('writes a new 0600 file each time and renames it into place: a planted symbolic link is replaced, not followed, and a pre-existing file is neither written into nor kept', async () => {
    const tokenFile = path.join(dir, 'tokens-atomic.json');
    const target = file('symlink-target.txt', 'not yours\n');
    chmodSync(target, 0o644);
    symlinkSync(target, tokenFile);
    const login = () => runCli(['login', '--username', 'u', '--password', 'p'], env(goodOutputs(), tokenFile));
    expect((await login()).status).toBe(0);
    expect([readFileSync(target, 'utf8'), statSync(target).mode & 0o777]).toEqual(['not yours\n', 0o644]);
    expect(lstatSync(tokenFile).isFile()).toBe(true);
    expect(lstatSync(tokenFile).mode & 0o777).toBe(0o600);
    // A file someone else prepared (open mode, a second name) is replaced by a new inode.
    rmSync(tokenFile);
    writeFileSync(tokenFile, '{}', { mode: 0o666 });
    chmodSync(tokenFile, 0o666);
    const other = path.join(dir, 'tokens-atomic-hardlink.json');
    linkSync(tokenFile, other);
    const before = statSync(tokenFile).ino;
    expect((await login()).status).toBe(0);
    expect(statSync(tokenFile).ino).not.toBe(before);
    expect([readFileSync(other, 'utf8'), statSync(tokenFile).mode & 0o777]).toEqual(['{}', 0o600]);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to read saved tokens through a symbolic link, in one line', async () => {
    const real = path.join(dir, 'tokens-real.json');
    expect((await runCli(['login', '--username', 'u', '--password', 'p'], env(goodOutputs(), real))).status).toBe(0);
    const linked = path.join(dir, 'tokens-linked.json');
    symlinkSync(real, linked);
    await expectOneLineFailure(
      runCli(['whoami'], env(goodOutputs(), linked)),
      /is a symbolic link: tokens are never read through one/,
    );
  });

  it('reports a corrupted token file in one line with the way out', async () => {
    const corrupted = file('corrupt-tokens.json', '{"apiUrl": "x", "accessT');
    chmodSync(corrupted, 0o600);
    await expectOneLineFailure(
      runCli(['call', 'GET', '/api/profile'], env(goodOutputs(), corrupted)),
      /corrupted: run .*logout/,
    );
  });

  it('refreshes an expired access token before a call, and says to log in again when the refresh is refused', async () => {
    const tokenFile = path.join(dir, 'tokens-expired.json');
    expect(
      (await runCli(['login', '--username', 'expired', '--password', 'p'], env(goodOutputs(), tokenFile))).status,
    ).toBe(0);
    await expectOneLineFailure(
      runCli(['call', 'GET', '/api/profile'], env(goodOutputs(), tokenFile)),
      /Refresh failed.*log in again/,
    );
  });

  it('rejects --data that is not JSON in one line', async () => {
    const tokenFile = path.join(dir, 'tokens-data.json');
    await runCli(['login', '--username', 'u', '--password', 'p'], env(goodOutputs(), tokenFile));
    await expectOneLineFailure(
      runCli(['call', 'POST', '/api/reviews', '--data', '{title:'], env(goodOutputs(), tokenFile)),
      /--data is not valid JSON/,
    );
  });

  it('says the API rejected the saved token, and how to log in again, on a 401', async () => {
    const tokenFile = path.join(dir, 'tokens-rejected.json');
    expect((await runCli(['login', '--username', 'u', '--password', 'p'], env(goodOutputs(), tokenFile))).status).toBe(
      0,
    );
    expect((await runCli(['call', 'GET', '/api/fine'], env(goodOutputs(), tokenFile))).status).toBe(0);
    await expectOneLineFailure(
      runCli(['call', 'GET', '/api/rejected'], env(goodOutputs(), tokenFile)),
      /^cli: GET \/api\/rejected: the API rejected the saved access token \(HTTP 401.*\): log in again: npm run cli -- login --username U --password P/,
    );
  });

  it('refuses a token answer without access_token in one line', async () => {
    await expectOneLineFailure(
      runCli(
        ['login', '--username', 'broken', '--password', 'p'],
        env(goodOutputs(), path.join(dir, 'tokens-broken.json')),
      ),
      /without an access_token/,
    );
  });
});

describe('logout', () => {
  const loggedIn = async (name: string, username = 'u') => {
    const tokenFile = path.join(dir, name);
    expect(
      (await runCli(['login', '--username', username, '--password', 'p'], env(goodOutputs(), tokenFile))).status,
    ).toBe(0);
    return tokenFile;
  };

  it.each([
    [[], 'session revoked', {}],
    [['--everywhere'], 'signed out of every session', { everywhere: true }],
  ])('logout %j revokes at the API with the saved tokens, then deletes them', async (flags, said, extra) => {
    const tokenFile = await loggedIn(`tokens-logout${flags.length}.json`);
    const saved = JSON.parse(readFileSync(tokenFile, 'utf8')) as { accessToken: string };
    const result = await runCli(['logout', ...flags], env(goodOutputs(), tokenFile));
    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(result.stdout.trim()).toBe(`Logged out (${said}); removed ${tokenFile}`);
    expect(existsSync(tokenFile)).toBe(false);
    expect((await send(`${apiUrl}/last-logout`)).json).toEqual({
      authorization: `Bearer ${saved.accessToken}`,
      body: { refreshToken: 'r', ...extra },
    });
  });

  it('sends no session logout without a saved refresh token (the API would refuse it): one warning line, the tokens still deleted', async () => {
    const tokenFile = await loggedIn('tokens-no-refresh.json');
    const saved = JSON.parse(readFileSync(tokenFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(tokenFile, JSON.stringify({ ...saved, refreshToken: undefined }), { mode: 0o600 });
    const before = (await send(`${apiUrl}/last-logout`)).json;
    const result = await runCli(['logout'], env(goodOutputs(), tokenFile));
    expect(result.status).toBe(0);
    expect(result.stderr.trim()).toMatch(
      /^warning: could not revoke the session: no refresh token is saved, and ending a session needs it \(logout --everywhere ends every session\); the local tokens are deleted/,
    );
    expect((await send(`${apiUrl}/last-logout`)).json).toEqual(before);
    expect(existsSync(tokenFile)).toBe(false);
  });

  it('deletes the local tokens even when the API is down, with one warning line saying until when the token stays valid', async () => {
    const tokenFile = await loggedIn('tokens-down.json');
    const saved = JSON.parse(readFileSync(tokenFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(tokenFile, JSON.stringify({ ...saved, apiUrl: `http://127.0.0.1:${await freePort()}` }));
    const result = await runCli(['logout'], env(goodOutputs(), tokenFile));
    expect(result.status).toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^warning: could not revoke the session \(Cannot reach the API at .*\); the local tokens are deleted, but the access token stays valid until \d{4}-\d\d-\d\dT/,
      ),
    ]);
    expect(result.stdout.trim()).toBe(`Logged out (local tokens only); removed ${tokenFile}`);
    expect(existsSync(tokenFile)).toBe(false);
  });

  it('refreshes an expired access token first, and still deletes the tokens when the refresh is refused', async () => {
    const tokenFile = await loggedIn('tokens-logout-expired.json', 'expired');
    const result = await runCli(['logout', '--everywhere'], env(goodOutputs(), tokenFile));
    expect(result.status).toBe(0);
    expect(result.stderr.trim()).toMatch(
      /^warning: could not sign out everywhere \(Refresh failed.*\); the local tokens are deleted/,
    );
    expect(existsSync(tokenFile)).toBe(false);
  });

  it('says so when not logged in, and removes a corrupted token file with a warning', async () => {
    const none = await runCli(['logout'], env(goodOutputs(), path.join(dir, 'never.json')));
    expect([none.status, none.stdout.trim()]).toEqual([0, 'Not logged in']);
    const corrupted = file('corrupt-logout.json', '{"apiUrl":');
    chmodSync(corrupted, 0o600);
    const result = await runCli(['logout'], env(goodOutputs(), corrupted));
    expect(result.status).toBe(0);
    expect(result.stderr.trim()).toBe(
      `warning: ${corrupted} could not be read; it is deleted, but no session could be revoked`,
    );
    expect(existsSync(corrupted)).toBe(false);
  });
});

describe('--outputs after login', () => {
  it('is honoured when it names the API the tokens are for, and refused in one line when it names another', async () => {
    const tokenFile = path.join(dir, 'tokens-outputs.json');
    const outputs = goodOutputs();
    expect((await runCli(['login', '--username', 'u', '--password', 'p'], env(outputs, tokenFile))).status).toBe(0);
    const same = await runCli(['--outputs', outputs, 'call', 'GET', '/api/fine'], {
      TOKENS_FILE: tokenFile,
      OUTPUTS_FILE: '',
    });
    expect([same.status, same.stdout]).toEqual([0, expect.stringContaining('"ok": true')]);
    const other = file('other-outputs.json', JSON.stringify({ ApiUrl: 'https://other.example.com/v1/' }));
    for (const command of [['call', 'GET', '/api/fine'], ['refresh'], ['whoami']]) {
      await expectOneLineFailure(
        runCli([...command, '--outputs', other], { TOKENS_FILE: tokenFile, OUTPUTS_FILE: '' }),
        new RegExp(
          `saved tokens are for ${apiUrl.replace(/[.]/g, '\\.')}, not https://other\\.example\\.com/v1 \\(.*other-outputs\\.json\\): log in to it first`,
        ),
      );
    }
  });
});

describe('usage', () => {
  it.each([[['help']], [['--help']], [['call', '--help']]])(
    '%j prints the usage, with --port and --timeout, and exits 0',
    async (args) => {
      const result = await runCli(args, env(goodOutputs()));
      expect([result.status, result.stderr]).toEqual([0, '']);
      expect(result.stdout).toMatch(/^usage: npm run cli -- <command>/);
      for (const option of [
        '--port N',
        '--timeout S',
        '--outputs FILE',
        '--token-file FILE',
        'login --hosted',
        'call METHOD PATH',
      ])
        expect(result.stdout).toContain(option);
    },
  );

  it('prints the usage on stderr and exits 1 without a command', async () => {
    const result = await runCli([], env(goodOutputs()));
    expect([result.status, result.stdout]).toEqual([1, '']);
    expect(result.stderr).toMatch(/^usage: npm run cli -- <command>/);
  });
});

describe('login --hosted', () => {
  it('refuses an unregistered --port in one line listing the allowed ones, before opening anything', async () => {
    await expectOneLineFailure(
      runCli(['login', '--hosted', '--port', '8710'], env(goodOutputs())),
      /^cli: --port 8710 is not a registered callback \(http:\/\/localhost:8710\/callback\): use --port 3000 or --port 8765$/,
    );
  });

  it.each([
    [['--port', '70000'], /--port must be a whole number from 1 to 65535/],
    [['--port', 'x'], /--port must be a whole number/],
    [['--timeout', '0'], /--timeout must be a whole number from 1 to 3600/],
    [['--timeout', '1.5'], /--timeout must be a whole number/],
  ])('%j fails in one line', async (args, pattern) => {
    await expectOneLineFailure(runCli(['login', '--hosted', ...args], env(goodOutputs())), pattern);
  });
});
