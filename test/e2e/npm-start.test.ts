/**
 * `npm start` as scripts and supervisors run it: started through npm, stopped by a signal to npm's
 * pid alone (not the terminal's whole process group). npm hands the signal to the script's shell;
 * the script execs node, so the local system gets it, shuts down cleanly and leaves no process —
 * and so no port or data-directory lock — behind for the next start.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort, groupMembers, PROJECT_ROOT, RUN_TS, startLocalProcess } from '../support/local-process';

jest.setTimeout(90_000);

it.each(['SIGINT', 'SIGTERM'] as const)('stops on %s sent to npm alone, leaving no process behind', async (signal) => {
  const local = await startLocalProcess({ viaNpm: true });
  const { exitCode, exitSignal, survivors } = await local.signalLeader(signal);
  const announced = local.stdout().includes(`${signal}: stopping the local system`);
  // All four at once, so a failure shows where the signal went (npm killed? node never told? who stayed?).
  expect({ exitCode, exitSignal, survivors, announced }).toEqual({
    exitCode: 0,
    exitSignal: null,
    survivors: [],
    announced: true,
  });
  // The same ports and state directory start again at once.
  const again = await startLocalProcess({
    dir: local.dir,
    apiPort: local.apiPort,
    cognitoPort: local.cognitoPort,
    dynamodbPort: local.dynamodbPort,
  });
  await again.stop();
});

it('stops cleanly on a signal that comes while it is still starting', async () => {
  // The signal handlers are in place before anything starts: once the program has spawned a child
  // (the Cognito emulator), a SIGTERM must stop both, and no banner claims the system is running.
  const env = {
    ...process.env,
    API_PORT: String(await freePort()),
    COGNITO_PORT: String(await freePort()),
    DYNAMODB_PORT: String(await freePort()),
    LOCAL_DIR: mkdtempSync(path.join(tmpdir(), 'local-starting-')),
  };
  const child = spawn(process.execPath, [...RUN_TS, 'lib/local/start.ts'], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    // The emulator's process (not esbuild's, which tsx starts while it loads the program).
    const emulatorStarted = () => groupMembers(child.pid!).some((member) => /cognito/.test(member));
    while (!emulatorStarted() && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    process.kill(child.pid!, 'SIGTERM');
    const exitCode = await exited;
    const survivors = await survivorsAfter(child.pid!, 20_000);
    expect({ exitCode, survivors, running: stdout.includes('Local system is running'), stderr }).toEqual({
      exitCode: 0,
      survivors: [],
      running: false,
      stderr: '',
    });
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** The group's processes still there after up to `limitMs` (none, as soon as the group is gone). */
async function survivorsAfter(pgid: number, limitMs: number): Promise<string[]> {
  const deadline = Date.now() + limitMs;
  while (groupMembers(pgid).length > 0 && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  return groupMembers(pgid);
}
