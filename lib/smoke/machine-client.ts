/**
 * The smoke run's machine row: the stage's machine client (MachineClientId) gets a token by the
 * client-credentials grant and calls every route. Its secret: locally from `machine-client.json`
 * beside the outputs file; deployed, read with DescribeUserPoolClient through the caller's own
 * AWS credentials (never printed, never saved).
 */
import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { localMachineCredentials, requestMachineToken, type MachineCredentials } from '../cli/client-credentials';
import { SmokeError } from './errors';
import type { SmokeTarget } from './target';

export async function machineCredentials(target: SmokeTarget, outputsFile: string): Promise<MachineCredentials> {
  if (target.local) return localMachineCredentials(outputsFile);
  const clientId = target.machineClientId;
  if (!clientId) throw new SmokeError(`${outputsFile} has no MachineClientId output`);
  const client = target.cognito();
  try {
    const answer = await client.send(
      new DescribeUserPoolClientCommand({ UserPoolId: target.userPoolId, ClientId: clientId }),
    );
    const secret = answer.UserPoolClient?.ClientSecret;
    if (!secret)
      throw new SmokeError(`The machine client ${clientId} has no secret: is it a client-credentials client?`);
    return { clientId, clientSecret: secret };
  } catch (error) {
    if (error instanceof SmokeError) throw error;
    const detail = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
    throw new SmokeError(
      `Cannot read the machine client ${clientId} (${detail}): your AWS credentials need cognito-idp:DescribeUserPoolClient on the pool`,
    );
  }
}

/** A token with every scope the client is allowed, or undefined (the row then shows why). */
export async function machineAccessToken(
  target: SmokeTarget,
  credentials: MachineCredentials,
  signal?: AbortSignal,
): Promise<{ token?: string; problem?: string }> {
  if (!target.tokenEndpoint) return { problem: 'no TokenEndpoint' };
  try {
    return { token: (await requestMachineToken(target.tokenEndpoint, credentials, [], signal)).accessToken };
  } catch (error) {
    signal?.throwIfAborted();
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}
