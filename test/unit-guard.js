// Unit tests (`npm run test:unit`) start no process and no server: they must run anywhere in seconds.
// This guard makes any attempt fail with a message naming the rule; a test that needs a process or a
// server is an integration test (`*.int.test.ts`, or test/e2e/) and runs in `npm run test:e2e`.
const childProcess = require('node:child_process');
const net = require('node:net');

const refuse = (what) =>
  function refused() {
    throw new Error(`unit tests start no ${what}: name this file *.int.test.ts (npm run test:e2e runs it)`);
  };
const patched = [
  [childProcess, 'spawn', 'process'],
  [childProcess, 'spawnSync', 'process'],
  [childProcess, 'fork', 'process'],
  [childProcess, 'exec', 'process'],
  [childProcess, 'execSync', 'process'],
  [childProcess, 'execFile', 'process'],
  [childProcess, 'execFileSync', 'process'],
  [net.Server.prototype, 'listen', 'server'],
].map(([owner, name, what]) => {
  const original = owner[name];
  owner[name] = refuse(what);
  return () => (owner[name] = original);
});
// Node's core modules are shared by every test file of a worker: put them back after this file.
afterAll(() => patched.forEach((restore) => restore()));
