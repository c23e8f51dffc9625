/**
 * The local Cognito Identity and STS over HTTP against the local Cognito's process, provisioned as
 * `npm start` provisions it: roles by the deployed pool's rules, the refusals, and who the issued
 * credentials are at GetCallerIdentity. The SDK's own credential provider is in test/e2e/identity-pool.test.ts.
 */
import { createPrivateKey } from 'node:crypto';
import aws4 from 'aws4';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  AdminAddUserToGroupCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { configFor } from '../../../../lib/config/app-config';
import { localRoleArn, loginsKeyFor } from '../../../../lib/config/identity-pool';
import { createUser } from '../../../../lib/cognito/users';
import { signingKeyFrom } from '../../../../lib/local/cognito/signing-key';
import { provision, startEmulator, type Emulator, type ProvisionedPool } from '../../../../lib/local/emulator';
import { seedUsers, type SeedUser } from '../../../../lib/local/seed-users';
import { freePort } from '../../../support/local-process';

jest.setTimeout(60_000);

const config = configFor('dev');
const seeded = (email: string): SeedUser => seedUsers.find((user) => user.email === email)!;
let dir: string;
let emulator: Emulator;
let pool: ProvisionedPool;
let cognito: CognitoIdentityProviderClient;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'identity-'));
  emulator = await startEmulator({ dir, host: '127.0.0.1', port: await freePort(), region: 'eu-west-1' });
  pool = await provision({ endpoint: emulator.endpoint, config, users: seedUsers });
  cognito = new CognitoIdentityProviderClient({
    endpoint: emulator.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  cognito?.destroy();
  await emulator?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function identityCall(target: string, input: unknown): Promise<Answer> {
  const response = await fetch(`${emulator.endpoint}/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AWSCognitoIdentityService.${target}` },
    body: JSON.stringify(input),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function signIn(user: { email: string; password: string }) {
  const { AuthenticationResult } = await cognito.send(
    new InitiateAuthCommand({
      ClientId: pool.userPoolClientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
    }),
  );
  return AuthenticationResult!;
}

const loginsFor = (idToken: string) => ({ [loginsKeyFor(pool.issuer)]: idToken });

/** GetId then GetCredentialsForIdentity with the same login, as the SDK's provider does. */
async function credentialsFor(idToken: string): Promise<Answer> {
  const id = await identityCall('GetId', { IdentityPoolId: pool.identityPoolId, Logins: loginsFor(idToken) });
  if (id.status !== 200) return id;
  return identityCall('GetCredentialsForIdentity', { IdentityId: id.body.IdentityId, Logins: loginsFor(idToken) });
}

async function callerArn(credentials: Record<string, unknown>, secret?: string): Promise<string> {
  const sts = new STSClient({
    endpoint: `${emulator.endpoint}/sts`,
    region: 'eu-west-1',
    credentials: {
      accessKeyId: credentials.AccessKeyId as string,
      secretAccessKey: secret ?? (credentials.SecretKey as string),
      sessionToken: credentials.SessionToken as string,
    },
  });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn!;
  } finally {
    sts.destroy();
  }
}

const assumedRole = (role: Parameters<typeof localRoleArn>[1]) =>
  `arn:aws:sts::000000000000:assumed-role/${localRoleArn(config, role).split('/')[1]}/CognitoIdentityCredentials`;

it('ID tokens name the groups’ roles, and the lowest precedence number’s role is preferred', async () => {
  const { IdToken } = await signIn(seeded('multi@example.com'));
  const claims = JSON.parse(Buffer.from(IdToken!.split('.')[1], 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  expect(claims['cognito:roles']).toEqual(
    expect.arrayContaining([localRoleArn(config, 'reviewers-group'), localRoleArn(config, 'user-group')]),
  );
  expect(claims['cognito:preferred_role']).toBe(localRoleArn(config, 'reviewers-group'));
});

it.each([
  ['admin@example.com', 'admin-group'],
  ['multi@example.com', 'reviewers-group'],
  ['nogroup@example.com', 'authenticated'],
] as const)('%s gets credentials of the %s role, and STS names that role', async (email, role) => {
  const answer = await credentialsFor((await signIn(seeded(email))).IdToken!);
  expect(answer.status).toBe(200);
  expect(answer.body.IdentityId).toMatch(/^eu-west-1:[0-9a-f-]{36}$/);
  const credentials = answer.body.Credentials as Record<string, unknown>;
  expect(credentials.AccessKeyId).toMatch(/^ASIA/);
  expect(await callerArn(credentials)).toBe(assumedRole(role));
});

it('keeps one identity id per user across sign-ins', async () => {
  const tokens = await Promise.all(
    ['user@example.com', 'user@example.com', 'reviewer@example.com', 'reviewer@example.com'].map(
      async (email) => (await signIn(seeded(email))).IdToken!,
    ),
  );
  const getId = async (idToken: string) =>
    (await identityCall('GetId', { IdentityPoolId: pool.identityPoolId, Logins: loginsFor(idToken) })).body.IdentityId;
  const [user1, user2, reviewer1, reviewer2] = await Promise.all(tokens.map(getId));
  expect(user1).toBe(user2);
  expect(reviewer1).toBe(reviewer2);
  expect(user1).not.toBe(reviewer1);
  // Both were kept: asked again later, each user gets the same id.
  expect(await getId(tokens[0])).toBe(user1);
  expect(await getId(tokens[2])).toBe(reviewer1);
});

it('issues an OpenID token for the identity, audience the identity pool', async () => {
  const { IdToken } = await signIn(seeded('user@example.com'));
  const id = await identityCall('GetId', { IdentityPoolId: pool.identityPoolId, Logins: loginsFor(IdToken!) });
  const answer = await identityCall('GetOpenIdToken', { IdentityId: id.body.IdentityId, Logins: loginsFor(IdToken!) });
  const claims = JSON.parse(
    Buffer.from(String(answer.body.Token).split('.')[1], 'base64url').toString('utf8'),
  ) as Record<string, unknown>;
  expect(claims).toMatchObject({
    sub: id.body.IdentityId,
    aud: pool.identityPoolId,
    amr: expect.arrayContaining(['authenticated']),
  });
});

it('denies a user whose best precedence is shared by two roles, as an ambiguous Token mapping with Deny does', async () => {
  const tie = { email: 'tie@example.com', password: 'Tie-Passw0rd!' };
  await cognito.send(
    new CreateGroupCommand({
      UserPoolId: pool.userPoolId,
      GroupName: 'tie-group',
      Precedence: 1,
      RoleArn: 'arn:aws:iam::000000000000:role/tie-role',
    }),
  );
  await createUser(cognito, pool.userPoolId, { ...tie, groups: ['admin-group'], attributes: {} });
  await cognito.send(
    new AdminAddUserToGroupCommand({ UserPoolId: pool.userPoolId, Username: tie.email, GroupName: 'tie-group' }),
  );
  const { IdToken } = await signIn(tie);
  const id = await identityCall('GetId', { IdentityPoolId: pool.identityPoolId, Logins: loginsFor(IdToken!) });
  expect(id.status).toBe(200);
  const answer = await identityCall('GetCredentialsForIdentity', {
    IdentityId: id.body.IdentityId,
    Logins: loginsFor(IdToken!),
  });
  expect(answer).toMatchObject({
    status: 400,
    body: { __type: 'NotAuthorizedException', message: expect.stringMatching(/ambiguous/) },
  });
});

describe('refuses, as NotAuthorizedException', () => {
  const refused = (answer: Answer, reason = /./) =>
    expect(answer).toMatchObject({
      status: 400,
      body: { __type: 'NotAuthorizedException', message: expect.stringMatching(reason) },
    });

  it('an access token', async () => {
    refused(await credentialsFor((await signIn(seeded('user@example.com'))).AccessToken!), /identity token/);
  });

  it('no login at all (no guest access)', async () => {
    refused(await identityCall('GetId', { IdentityPoolId: pool.identityPoolId }));
  });

  it('a token under another provider key (a foreign pool)', async () => {
    const { IdToken } = await signIn(seeded('user@example.com'));
    refused(
      await identityCall('GetId', {
        IdentityPoolId: pool.identityPoolId,
        Logins: { 'cognito-idp.eu-west-1.amazonaws.com/eu-west-1_other': IdToken },
      }),
    );
  });

  it('a token signed by another key', async () => {
    const { IdToken } = await signIn(seeded('user@example.com'));
    const [header, payload] = IdToken!.split('.');
    refused(await credentialsFor(`${header}.${payload}.${Buffer.from('forged').toString('base64url')}`));
  });

  it('an expired ID token (signed with the local key, so only its exp is wrong)', async () => {
    const key = signingKeyFrom(createPrivateKey(readFileSync(path.join(dir, 'cognito', 'signing-key.pem'))));
    const { IdToken } = await signIn(seeded('user@example.com'));
    const claims = key.verifiedClaims(IdToken!)!;
    const expired = key.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 });
    refused(await credentialsFor(expired), /expired/);
  });

  it('the ID token of a revoked session', async () => {
    const { IdToken, RefreshToken } = await signIn(seeded('user@example.com'));
    expect((await credentialsFor(IdToken!)).status).toBe(200);
    await cognito.send(new RevokeTokenCommand({ ClientId: pool.userPoolClientId, Token: RefreshToken }));
    refused(await credentialsFor(IdToken!), /revoked/);
  });

  it('another user’s identity id', async () => {
    const admin = await signIn(seeded('admin@example.com'));
    const user = await signIn(seeded('user@example.com'));
    const id = await identityCall('GetId', { IdentityPoolId: pool.identityPoolId, Logins: loginsFor(admin.IdToken!) });
    refused(
      await identityCall('GetCredentialsForIdentity', {
        IdentityId: id.body.IdentityId,
        Logins: loginsFor(user.IdToken!),
      }),
    );
  });
});

describe('STS refuses', () => {
  it('a request signed with another secret', async () => {
    const answer = await credentialsFor((await signIn(seeded('user@example.com'))).IdToken!);
    await expect(callerArn(answer.body.Credentials as Record<string, unknown>, 'not-the-secret')).rejects.toMatchObject(
      {
        name: 'SignatureDoesNotMatch',
      },
    );
  });

  it('a request signed more than 15 minutes ago, though its signature holds', async () => {
    const credentials = (await credentialsFor((await signIn(seeded('user@example.com'))).IdToken!)).body
      .Credentials as Record<string, string>;
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const signedAt = (date: Date) =>
      aws4.sign(
        {
          host: new URL(emulator.endpoint).host,
          method: 'POST',
          path: '/sts',
          service: 'sts',
          region: 'eu-west-1',
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            'X-Amz-Date': date.toISOString().replace(/[:-]|\.\d{3}/g, ''),
          },
          body,
        },
        {
          accessKeyId: credentials.AccessKeyId,
          secretAccessKey: credentials.SecretKey,
          sessionToken: credentials.SessionToken,
        },
      );
    const post = async (date: Date) => {
      const { headers } = signedAt(date);
      // fetch sets Host itself (the same value aws4 signed).
      const sent = Object.entries(headers as Record<string, string>).filter(([name]) => name !== 'Host');
      const response = await fetch(`${emulator.endpoint}/sts`, { method: 'POST', headers: sent, body });
      return { status: response.status, text: await response.text() };
    };
    expect((await post(new Date())).status).toBe(200);
    const old = await post(new Date(Date.now() - 16 * 60_000));
    expect(old.status).toBe(403);
    expect(old.text).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('credentials it did not issue', async () => {
    await expect(
      callerArn({ AccessKeyId: 'ASIAFAKEFAKEFAKEFAKE', SecretKey: 'x', SessionToken: 'not-a-session' }),
    ).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
  });
});
