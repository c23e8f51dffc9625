/**
 * `credentials [--show-secret]`: the AWS credentials the identity pool gives the saved user (the
 * role of their highest-precedence group, or the pool's authenticated role), as STS names them.
 * The secret key and session token are printed only with `--show-secret`.
 */
import { identityPoolCaller } from '../cognito/identity-pool-caller';
import { freshSession, LOGIN_AGAIN, type CliContext } from './commands';
import { CliError } from './errors';
import { identityPoolOf, readOutputs } from './outputs';

export async function credentialsCommand(context: CliContext, showSecret: boolean): Promise<void> {
  const pool = identityPoolOf(readOutputs(context.outputsFile), context.outputsFile);
  const saved = await freshSession(context);
  if (saved.machine) throw new CliError('A machine token has no identity in the identity pool: log in as a user first');
  if (!saved.idToken) throw new CliError(`No ID token is saved (the identity pool takes ID tokens): ${LOGIN_AGAIN}`);
  const caller = await identityPoolCaller(pool, saved.idToken).catch((error: unknown) => {
    const detail = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
    throw new CliError(`The identity pool gave no credentials for the saved ID token (${detail}): ${LOGIN_AGAIN}`);
  });
  context.print(
    JSON.stringify(
      {
        roleArn: caller.roleArn,
        identityId: caller.identityId,
        expiration: caller.expiration?.toISOString(),
        accessKeyId: caller.accessKeyId,
        ...(showSecret
          ? { secretAccessKey: caller.secretAccessKey, sessionToken: caller.sessionToken }
          : { secretAccessKey: '(hidden: --show-secret)' }),
      },
      null,
      2,
    ),
  );
}
