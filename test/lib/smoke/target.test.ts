/** Where the smoke run goes, from an outputs file: a deployed pool (AWS credentials) or the local emulator. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { targetFromOutputs } from '../../../lib/smoke/target';

const dir = mkdtempSync(path.join(tmpdir(), 'smoke-target-'));
let count = 0;
function outputs(values: Record<string, string>): string {
  const file = path.join(dir, `outputs-${++count}.json`);
  // The shape `cdk deploy --outputs-file` writes: outputs grouped by stack.
  const { ApiUrl, ...identity } = values;
  writeFileSync(
    file,
    JSON.stringify({ 'CognitoJwtApi-prod-Identity': identity, 'CognitoJwtApi-prod-Api': { ApiUrl } }),
  );
  return file;
}

const DEPLOYED = {
  ApiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/v1/',
  UserPoolId: 'eu-west-1_AbC123',
  UserPoolProviderUrl: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
};

it("reaches a deployed pool in its issuer's region, with the SDK's default credentials (no endpoint override)", async () => {
  const target = targetFromOutputs(outputs(DEPLOYED));
  expect(target).toMatchObject({
    apiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/v1',
    userPoolId: 'eu-west-1_AbC123',
    local: false,
  });
  const client = target.cognito();
  try {
    expect(await client.config.region()).toBe('eu-west-1');
    expect(client.config.endpoint).toBeUndefined();
  } finally {
    client.destroy();
  }
});

it("reaches the local emulator at its issuer's origin", async () => {
  const target = targetFromOutputs(
    outputs({
      ApiUrl: 'http://127.0.0.1:3000',
      UserPoolId: 'local_Pool1',
      UserPoolProviderUrl: 'http://127.0.0.1:9229/local_Pool1',
    }),
  );
  expect(target.local).toBe(true);
  const client = target.cognito();
  try {
    const endpoint = await client.config.endpoint!();
    expect(`${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`).toBe('http://127.0.0.1:9229');
  } finally {
    client.destroy();
  }
});

it.each([
  [
    'an issuer that is neither Cognito nor local',
    { ...DEPLOYED, UserPoolProviderUrl: 'https://evil.example.com/eu-west-1_AbC123' },
    /UserPoolProviderUrl "https:\/\/evil\.example\.com\/eu-west-1_AbC123" is neither a Cognito issuer/,
  ],
  [
    'a pool id of another issuer',
    { ...DEPLOYED, UserPoolId: 'eu-west-1_Other' },
    /UserPoolId eu-west-1_Other is not the pool of UserPoolProviderUrl/,
  ],
  ['no pool at all', { ApiUrl: DEPLOYED.ApiUrl }, /has no UserPoolId or UserPoolProviderUrl output/],
])('refuses %s, in one line', (_name, values, message) => {
  expect(() => targetFromOutputs(outputs(values))).toThrow(message);
});
