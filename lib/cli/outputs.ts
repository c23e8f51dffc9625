/**
 * Where the CLI finds the API: the local system's outputs.json or the file written by
 * `cdk deploy --outputs-file`. Both group outputs by stack; a flat object is accepted too.
 */
import { readFileSync } from 'node:fs';
import { isJsonObject, safeJsonParse } from '../contracts/json';
import type { IdentityPoolTarget } from '../cognito/identity-pool-caller';
import { CliError } from './errors';

export interface StackOutputs {
  readonly ApiUrl: string;
  readonly UserPoolId?: string;
  readonly UserPoolClientId?: string;
  /** The issuer: `https://cognito-idp.<region>.amazonaws.com/<poolId>`, or the local emulator's. */
  readonly UserPoolProviderUrl?: string;
  readonly HostedUiUrl?: string;
  readonly TokenEndpoint?: string;
  readonly MachineClientId?: string;
  readonly ResourceServerIdentifier?: string;
  readonly IdentityPoolId?: string;
  /** The identity pool's role for users in no group. */
  readonly AuthenticatedRoleArn?: string;
  /** Local only: the local Cognito Identity and STS. */
  readonly CognitoIdentityEndpoint?: string;
  readonly StsEndpoint?: string;
}

export function readOutputs(file: string): StackOutputs {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(
      `No outputs file at ${file}: run \`npm start\` (local) or \`npx cdk deploy --all --outputs-file outputs.json\`, or pass --outputs FILE`,
    );
  }
  const parsed = safeJsonParse(text);
  if (parsed === undefined)
    throw new CliError(`${file} is not valid JSON: restart \`npm start\` or redeploy to rewrite it`);
  if (!isJsonObject(parsed)) throw new CliError(`${file} is not a JSON object of stack outputs`);
  // Merge `{ Stack: { Key: value } }` (cdk's shape) with any flat keys.
  const merged: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (isJsonObject(value)) Object.assign(merged, value);
    else merged[key] = value;
  }
  const apiUrl = merged.ApiUrl;
  if (typeof apiUrl !== 'string' || !/^https?:\/\//.test(apiUrl)) {
    throw new CliError(`${file} has no ApiUrl output: is it the outputs file of this project's stacks?`);
  }
  const optional = (name: keyof StackOutputs): string | undefined => {
    const value = merged[name];
    return typeof value === 'string' ? value : undefined;
  };
  return {
    ApiUrl: apiUrl.replace(/\/+$/, ''),
    UserPoolId: optional('UserPoolId'),
    UserPoolClientId: optional('UserPoolClientId'),
    UserPoolProviderUrl: optional('UserPoolProviderUrl'),
    HostedUiUrl: optional('HostedUiUrl'),
    TokenEndpoint: optional('TokenEndpoint'),
    MachineClientId: optional('MachineClientId'),
    ResourceServerIdentifier: optional('ResourceServerIdentifier'),
    IdentityPoolId: optional('IdentityPoolId'),
    AuthenticatedRoleArn: optional('AuthenticatedRoleArn'),
    CognitoIdentityEndpoint: optional('CognitoIdentityEndpoint'),
    StsEndpoint: optional('StsEndpoint'),
  };
}

/** The identity pool of the outputs, or a one-line error saying what is missing. */
export function identityPoolOf(outputs: StackOutputs, file: string): IdentityPoolTarget {
  if (!outputs.IdentityPoolId || !outputs.UserPoolProviderUrl)
    throw new CliError(
      `${file} has no IdentityPoolId or UserPoolProviderUrl output: restart \`npm start\`, or pass the outputs of both stacks (cdk deploy --all --outputs-file ${file})`,
    );
  return {
    identityPoolId: outputs.IdentityPoolId,
    issuer: outputs.UserPoolProviderUrl,
    cognitoIdentityEndpoint: outputs.CognitoIdentityEndpoint,
    stsEndpoint: outputs.StsEndpoint,
  };
}
