/**
 * The identity pool as an app uses it, against `npm start`: the AWS SDK v3 credential provider
 * `fromCognitoIdentityPool` (test/support/app-snippets.ts) turns each seeded user's ID token into
 * credentials of their group's role, which the local STS names and the local DynamoDB accepts.
 */
import * as path from 'node:path';
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { configFor, groupsByPrecedence } from '../../lib/config/app-config';
import { localRoleArn, roleNameOf } from '../../lib/config/identity-pool';
import { seedUsers, type SeedUser } from '../../lib/local/seed-users';
import { identityPoolCredentials, type IdentityPoolOutputs } from '../support/app-snippets';
import { runCli, startLocalProcess, type LocalProcess } from '../support/local-process';

jest.setTimeout(90_000);

type Credentials = Awaited<ReturnType<ReturnType<typeof identityPoolCredentials>>>;

const config = configFor('dev');
let local: LocalProcess;
let outputs: IdentityPoolOutputs & Record<string, string>;
let cognito: CognitoIdentityProviderClient;

beforeAll(async () => {
  local = await startLocalProcess();
  outputs = local.outputs as IdentityPoolOutputs & Record<string, string>;
  cognito = new CognitoIdentityProviderClient({
    endpoint: outputs.HostedUiUrl,
    region: config.env.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  cognito?.destroy();
  await local?.stop();
});

async function signIn(user: SeedUser) {
  const { AuthenticationResult } = await cognito.send(
    new InitiateAuthCommand({
      ClientId: outputs.UserPoolClientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
    }),
  );
  return AuthenticationResult!;
}

async function callerArn(credentials: Credentials): Promise<string> {
  const sts = new STSClient({ endpoint: outputs.StsEndpoint, region: config.env.region, credentials });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn!;
  } finally {
    sts.destroy();
  }
}

/** The role the deployed pool gives: the user's lowest-precedence-number group's, else the authenticated role. */
function expectedRole(user: SeedUser): string {
  const best = groupsByPrecedence(config).find((group) => user.groups.includes(group.name));
  return localRoleArn(config, best?.name ?? 'authenticated');
}

it('writes the identity pool and its local endpoints to the outputs', () => {
  expect(outputs.IdentityPoolId).toMatch(new RegExp(`^${config.env.region}:[0-9a-f-]{36}$`));
  expect(outputs.CognitoIdentityEndpoint).toBe(outputs.HostedUiUrl);
  expect(outputs.StsEndpoint).toBe(`${outputs.HostedUiUrl}/sts`);
});

it.each(seedUsers.map((user) => [user.email, user] as const))(
  '%s gets credentials of its group’s role from fromCognitoIdentityPool',
  async (_email, user) => {
    const credentials = await identityPoolCredentials(outputs, (await signIn(user)).IdToken!)();
    expect(credentials.identityId).toMatch(new RegExp(`^${config.env.region}:`));
    expect(credentials.expiration!.getTime()).toBeGreaterThan(Date.now());
    expect(await callerArn(credentials)).toBe(
      `arn:aws:sts::000000000000:assumed-role/${roleNameOf(expectedRole(user))}/CognitoIdentityCredentials`,
    );
  },
);

it('the credentials work against the local DynamoDB (which checks no signature or policy)', async () => {
  const credentials = await identityPoolCredentials(outputs, (await signIn(seedUsers[0])).IdToken!)();
  const dynamodb = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${local.dynamodbPort}`,
    region: config.env.region,
    credentials,
  });
  try {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: outputs.ReviewsTableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
  } finally {
    dynamodb.destroy();
  }
});

it('refuses an access token, and the ID token of a revoked session', async () => {
  const user = seedUsers.find((candidate) => candidate.groups.includes('user-group'))!;
  const tokens = await signIn(user);
  await expect(identityPoolCredentials(outputs, tokens.AccessToken!)()).rejects.toMatchObject({
    name: 'NotAuthorizedException',
  });
  await cognito.send(new RevokeTokenCommand({ ClientId: outputs.UserPoolClientId, Token: tokens.RefreshToken }));
  await expect(identityPoolCredentials(outputs, tokens.IdToken!)()).rejects.toMatchObject({
    name: 'NotAuthorizedException',
  });
});

describe('npm run cli -- credentials', () => {
  const cliEnv = (tokenFile: string) => ({
    OUTPUTS_FILE: path.join(local.dir, 'outputs.json'),
    TOKENS_FILE: tokenFile,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });

  it('prints the saved user’s role ARN, identity id and expiry, and the secret only with --show-secret', async () => {
    const user = seedUsers.find((candidate) => candidate.groups.includes('reviewers-group'))!;
    const env = cliEnv(path.join(local.dir, 'cli-tokens.json'));
    expect((await runCli(['login', '--username', user.email, '--password', user.password], env)).status).toBe(0);

    const hidden = await runCli(['credentials'], env);
    expect(hidden).toMatchObject({ status: 0, stderr: '' });
    const printed = JSON.parse(hidden.stdout) as Record<string, string>;
    expect(printed).toMatchObject({
      roleArn: `arn:aws:iam::000000000000:role/${roleNameOf(expectedRole(user))}`,
      identityId: expect.stringMatching(new RegExp(`^${config.env.region}:`)),
      accessKeyId: expect.stringMatching(/^ASIA/),
    });
    expect(new Date(printed.expiration).getTime()).toBeGreaterThan(Date.now());
    expect(printed).not.toHaveProperty('sessionToken');

    const shown = JSON.parse((await runCli(['credentials', '--show-secret'], env)).stdout) as Record<string, string>;
    expect(shown.secretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(shown.sessionToken).toBeTruthy();
  });

  it('fails in one line when no one is logged in', async () => {
    const result = await runCli(['credentials'], cliEnv(path.join(local.dir, 'nobody.json')));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^cli: .+\n$/);
  });
});
