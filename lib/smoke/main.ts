/**
 * `npm run smoke -- --outputs <file>`: checks a stage (deployed, or the local system) against the
 * access map with temporary users, prints the group × route table, and exits 0 only if every answer
 * matched. Ctrl-C (SIGINT) or SIGTERM stops it after it has deleted its users.
 * Every failure is one line on stderr and exit code 1.
 */
import { constants } from 'node:os';
import { CliError } from '../cli/errors';
import { SmokeError } from './errors';
import { runSmoke } from './smoke';

const USAGE =
  'usage: npm run smoke -- --outputs FILE   (the file `cdk deploy --all --outputs-file FILE` wrote, or .local/outputs.json)';

// The AWS SDK warns on every start that its releases after January 2027 need Node 22: noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** `--outputs FILE` or `--outputs=FILE`; undefined for --help. */
function outputsFileFrom(argv: readonly string[]): string | undefined {
  if (argv.includes('--help') || argv.includes('-h')) return undefined;
  const [first = '', second] = argv;
  const file =
    argv.length === 2 && first === '--outputs'
      ? second
      : argv.length === 1 && first.startsWith('--outputs=')
        ? first.slice('--outputs='.length)
        : '';
  if (!file)
    throw new SmokeError(
      `${argv.length > 0 ? `unexpected arguments "${argv.join(' ')}"` : 'no outputs file given'}: ${USAGE}`,
    );
  return file;
}

async function main(): Promise<number> {
  const outputsFile = outputsFileFrom(process.argv.slice(2));
  if (!outputsFile) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const controller = new AbortController();
  let interruptedBy: NodeJS.Signals | undefined;
  const interrupt = (signal: NodeJS.Signals): void => {
    if (interruptedBy) return; // already stopping: the users are being deleted
    interruptedBy = signal;
    process.stderr.write(`smoke: ${signal}: stopping after deleting the temporary users\n`);
    controller.abort();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  try {
    const report = await runSmoke({
      outputsFile,
      print: (line) => process.stdout.write(`${line}\n`),
      signal: controller.signal,
    });
    if (report.leftovers.length > 0) throw new SmokeError(leftoverMessage(report.leftovers));
    return report.ok ? 0 : 1;
  } catch (error) {
    if (interruptedBy && controller.signal.aborted) return 128 + constants.signals[interruptedBy];
    throw error;
  }
}

function leftoverMessage(leftovers: readonly string[]): string {
  return `could not delete the temporary users ${leftovers.join(', ')}: delete them with \`aws cognito-idp admin-delete-user\` or in the console`;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const known = error instanceof SmokeError || error instanceof CliError;
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    process.stderr.write(`smoke: ${known ? message : `Unexpected error: ${message}`}\n`);
    process.exitCode = 1;
  },
);
