/** The local state directory made private: folders 0700, files 0600, on creation and for what was already there. */
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { makePrivateDir } from '../../../lib/local/private-dir';

let root: string;
/** This worker's umask before the test (makePrivateDir sets the owner-only one); put back afterwards. */
let umaskBefore: number;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'private-dir-'));
  umaskBefore = process.umask(0o022);
});
afterEach(() => {
  process.umask(umaskBefore);
  rmSync(root, { recursive: true, force: true });
});

const mode = (entry: string) => lstatSync(entry).mode & 0o777;

it('tightens what an earlier start left open, all the way down, and creates a missing folder private', () => {
  const dir = path.join(root, 'state');
  mkdirSync(path.join(dir, 'cognito', '.cognito', 'db'), { recursive: true, mode: 0o755 });
  writeFileSync(path.join(dir, 'cognito', '.cognito', 'db', 'pool.json'), '{"password":"plain"}', { mode: 0o644 });
  writeFileSync(path.join(dir, 'outputs.json'), '{}', { mode: 0o666 });
  chmodSync(path.join(dir, 'outputs.json'), 0o666);
  makePrivateDir(dir);
  expect(
    ['', 'cognito', 'cognito/.cognito', 'cognito/.cognito/db'].map((entry) => mode(path.join(dir, entry))),
  ).toEqual([0o700, 0o700, 0o700, 0o700]);
  expect([mode(path.join(dir, 'cognito/.cognito/db/pool.json')), mode(path.join(dir, 'outputs.json'))]).toEqual([
    0o600, 0o600,
  ]);
  makePrivateDir(path.join(root, 'new', 'nested'));
  expect([mode(path.join(root, 'new', 'nested'))]).toEqual([0o700]);
});

it('creates everything afterwards owner-only, in this process and in the processes it starts', () => {
  makePrivateDir(path.join(root, 'state'));
  writeFileSync(path.join(root, 'state', 'later.json'), '{}');
  mkdirSync(path.join(root, 'state', 'later'));
  expect([mode(path.join(root, 'state', 'later.json')), mode(path.join(root, 'state', 'later'))]).toEqual([
    0o600, 0o700,
  ]);
  // The emulator is a child process: it inherits the umask.
  const child = path.join(root, 'state', 'child.json');
  const run = spawnSync(process.execPath, ['-e', `require('node:fs').writeFileSync(${JSON.stringify(child)}, '{}')`]);
  expect([run.status, mode(child)]).toEqual([0, 0o600]);
});

it('never follows a symbolic link: what it points to keeps its mode', () => {
  const outside = path.join(root, 'outside.txt');
  writeFileSync(outside, 'not ours', { mode: 0o644 });
  chmodSync(outside, 0o644);
  const dir = path.join(root, 'state');
  mkdirSync(dir);
  symlinkSync(outside, path.join(dir, 'link'));
  makePrivateDir(dir);
  expect(mode(outside)).toBe(0o644);
});
