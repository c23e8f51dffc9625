/** Wall-clock time of project commands, for orientation (opt-in: they take tens of seconds). */
import { spawnSync } from 'node:child_process';
import { PROJECT_ROOT } from './bundle';

export interface CommandRun {
  readonly seconds: number;
  /** Exit status: a failing command is reported, not hidden, and does not abort the benchmark. */
  readonly exitCode: number | null;
}

/** Time taken by `npm run <script>` in the project root. */
export function timeNpmScript(script: string): CommandRun {
  const started = process.hrtime.bigint();
  const result = spawnSync('npm', ['run', '--silent', script], {
    cwd: PROJECT_ROOT,
    stdio: 'ignore',
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', CI: 'true' },
  });
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, exitCode: result.status };
}
