/**
 * `npm start` as scripts and supervisors run it: started through npm, stopped by a signal to npm's
 * pid alone (not the terminal's whole process group). npm hands the signal to the script's shell;
 * the script execs node, so the local system gets it, shuts down cleanly and leaves no process —
 * and so no port or data-directory lock — behind for the next start.
 */
import { startLocalProcess } from '../support/local-process';

jest.setTimeout(90_000);

it.each(['SIGINT', 'SIGTERM'] as const)('stops on %s sent to npm alone, leaving no process behind', async (signal) => {
  const local = await startLocalProcess({ viaNpm: true });
  const { exitCode, leftBehind } = await local.signalLeader(signal);
  expect({ exitCode, leftBehind }).toEqual({ exitCode: 0, leftBehind: false });
  // The same ports and state directory start again at once.
  const again = await startLocalProcess({
    dir: local.dir,
    apiPort: local.apiPort,
    cognitoPort: local.cognitoPort,
    dynamodbPort: local.dynamodbPort,
  });
  await again.stop();
});
