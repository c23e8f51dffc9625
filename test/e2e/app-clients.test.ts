/**
 * One definition of the app clients (lib/config/app-clients.ts), two consumers: the clients the
 * identity stack synthesizes and the clients `npm start` provisions into the emulator must agree,
 * setting by setting.
 */
import { DescribeUserPoolClientCommand, type UserPoolClientType } from '@aws-sdk/client-cognito-identity-provider';
import { Template } from 'aws-cdk-lib/assertions';
import { configFor } from '../../lib/config/app-config';
import { ENV } from '../../lib/contracts/runtime-env';
import { createCognitoClient } from '../../lib/clients/cognito-client';
import { buildTestApp } from '../support/cdk';
import { startTestEmulator, type TestEmulator } from '../support/emulator';

const config = configFor('dev');
let emulator: TestEmulator;
let synthesized: Record<string, Record<string, unknown>>;

beforeAll(async () => {
  const template = Template.fromStack(buildTestApp({ bundling: false }).identity);
  synthesized = Object.fromEntries(
    Object.values(template.findResources('AWS::Cognito::UserPoolClient')).map((resource) => {
      const properties = resource.Properties as Record<string, unknown>;
      return [String(properties.ClientName), properties];
    }),
  );
  emulator = await startTestEmulator();
}, 60_000);
afterAll(() => emulator?.stop());

async function provisioned(clientId: string): Promise<UserPoolClientType> {
  const client = createCognitoClient({ [ENV.cognitoEndpoint]: emulator.endpoint }, config.env.region);
  try {
    const answer = await client.send(
      new DescribeUserPoolClientCommand({ UserPoolId: emulator.pool.userPoolId, ClientId: clientId }),
    );
    return answer.UserPoolClient!;
  } finally {
    client.destroy();
  }
}

/** Every synthesized setting (the pool reference and the create-only GenerateSecret aside) as provisioned. */
function expectSameSettings(synth: Record<string, unknown>, local: UserPoolClientType): void {
  const settings = Object.entries(synth).filter(([name]) => name !== 'UserPoolId' && name !== 'GenerateSecret');
  expect(settings.length).toBeGreaterThan(10);
  for (const [name, value] of settings) expect([name, local[name as keyof UserPoolClientType]]).toEqual([name, value]);
  expect(Boolean(local.ClientSecret)).toBe(synth.GenerateSecret);
}

it('the user client: the same settings in the stack and in the emulator', async () => {
  const synth = synthesized[config.appClientName];
  expect(synth).toBeDefined();
  expectSameSettings(synth, await provisioned(emulator.pool.userPoolClientId));
});

it('each machine client: the same settings in the stack and in the emulator', async () => {
  expect(emulator.pool.machineClients).toHaveLength(config.machineClients.length);
  for (const [index, machine] of config.machineClients.entries()) {
    const synth = synthesized[machine.name];
    expect(synth).toBeDefined();
    expect(synth.AllowedOAuthFlows).toEqual(['client_credentials']);
    expectSameSettings(synth, await provisioned(emulator.pool.machineClients[index].clientId));
  }
});
