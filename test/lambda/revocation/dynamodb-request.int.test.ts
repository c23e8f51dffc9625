/**
 * The authorizer's own DynamoDB call (no AWS SDK): signed as the SDK signs (compared with the SDK's
 * own SigV4 signer, @smithy/signature-v4, on the request as it arrived), with the function's
 * credentials from its environment, and the SDK clients' retry rule: one retry for a failed
 * connection, a 5xx or throttling, none for anything else or after the deadline. A loopback server
 * plays DynamoDB and records what it got.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import {
  callDynamo,
  dynamoEndpointFromEnv,
  DynamoRequestError,
  type DynamoEndpoint,
} from '../../../lambda/revocation/dynamodb-request';

interface Received {
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

type Reply = { status: number; body: unknown } | 'hang' | 'reset';

let server: Server;
let url: string;
let received: Received[];
let replies: Reply[];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      const reply = replies.shift() ?? { status: 200, body: {} };
      if (reply === 'hang') return;
      if (reply === 'reset') return void request.socket.resetAndDestroy();
      response.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received = [];
  replies = [];
});

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const endpoint = (credentials: DynamoEndpoint['credentials'] = CREDENTIALS): DynamoEndpoint => ({
  url: new URL(url),
  region: 'eu-west-1',
  credentials,
});
const QUERY = {
  TableName: 'revocations',
  KeyConditionExpression: '#f = :f',
  ExpressionAttributeValues: { ':f': { S: 'x' } },
};
const AT = Date.UTC(2026, 11, 3, 10, 15, 30, 123);
const call = (overrides: { deadline?: number; now?: () => number } = {}) => ({
  operation: 'Query',
  input: QUERY,
  deadline: Date.now() + 2000,
  ...overrides,
});

const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/** The SDK's SigV4 signer over node:crypto, the hash the SDK uses in Node. */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.hash.digest());
  }
}

async function sdkSignature(request: Received, credentials: DynamoEndpoint['credentials']): Promise<string> {
  const signer = new SignatureV4({
    service: 'dynamodb',
    region: 'eu-west-1',
    credentials,
    sha256: NodeSha256,
    applyChecksum: false,
  });
  const headers: Record<string, string> = {};
  for (const name of ['host', 'content-type', 'x-amz-target', 'content-length'])
    headers[name] = String(request.headers[name]);
  const signed = await signer.sign(
    { method: 'POST', protocol: 'http:', hostname: '127.0.0.1', path: '/', headers, body: request.body, query: {} },
    { signingDate: new Date(AT) },
  );
  return signed.headers.authorization;
}

it('signs the call as the AWS SDK does (the same SigV4 Authorization for the request as received), JSON protocol headers and body', async () => {
  replies = [{ status: 200, body: { Items: [], Count: 0 } }];
  expect(await callDynamo(endpoint(), call({ now: () => AT, deadline: AT + 2000 }))).toEqual({ Items: [], Count: 0 });
  const [request] = received;
  expect(request.headers['x-amz-target']).toBe('DynamoDB_20120810.Query');
  expect(request.headers['content-type']).toBe('application/x-amz-json-1.0');
  expect(request.headers['x-amz-date']).toBe('20261203T101530Z');
  expect(JSON.parse(request.body)).toEqual(QUERY);
  expect(request.headers.authorization).toMatch(
    /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261203\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=[^,]*x-amz-target[^,]*, Signature=[0-9a-f]{64}$/,
  );
  // Signed over the same headers, the SDK's signer reaches the same signature.
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(String(request.headers.authorization))![1];
  expect(signedHeaders).toBe('content-length;content-type;host;x-amz-date;x-amz-target');
  expect(request.headers.authorization).toBe(await sdkSignature(request, CREDENTIALS));
});

it('sends and signs the session token of temporary credentials (what Lambda gives a function)', async () => {
  const credentials = { ...CREDENTIALS, sessionToken: 'session-token-example' };
  await callDynamo(endpoint(credentials), call({ now: () => AT, deadline: AT + 2000 }));
  expect(received[0].headers['x-amz-security-token']).toBe('session-token-example');
  expect(String(received[0].headers.authorization)).toContain('x-amz-security-token');
  expect(received[0].headers.authorization).toBe(await sdkSignature(received[0], credentials));
});

describe('where the calls go', () => {
  it("in AWS: the region's endpoint over https, with the credentials Lambda puts in the environment", () => {
    expect(
      dynamoEndpointFromEnv({
        AWS_REGION: 'eu-central-1',
        AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_SESSION_TOKEN: 'token',
      }),
    ).toEqual({
      url: new URL('https://dynamodb.eu-central-1.amazonaws.com/'),
      region: 'eu-central-1',
      credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' },
    });
    expect(
      dynamoEndpointFromEnv({ AWS_REGION: 'cn-north-1', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 's' }).url.href,
    ).toBe('https://dynamodb.cn-north-1.amazonaws.com.cn/');
  });

  it('without credentials: an error that names the missing variable (the read then fails closed)', () => {
    expect(() => dynamoEndpointFromEnv({ AWS_REGION: 'eu-west-1' })).toThrow(
      'Environment variable AWS_ACCESS_KEY_ID is not set',
    );
  });

  it('locally: the loopback DYNAMODB_ENDPOINT with dummy credentials; any other host is refused', () => {
    expect(dynamoEndpointFromEnv({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' })).toMatchObject({
      url: new URL('http://127.0.0.1:8000'),
      credentials: { accessKeyId: 'local' },
    });
    expect(() => dynamoEndpointFromEnv({ DYNAMODB_ENDPOINT: 'http://dynamodb.example.com' })).toThrow(
      'DYNAMODB_ENDPOINT must be a loopback URL',
    );
  });
});

describe('retries like the SDK clients (two attempts)', () => {
  const error = (type: string) => ({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: 'no' });

  it.each<[string, Reply]>([
    ['a 5xx', { status: 500, body: error('InternalServerError') }],
    ['throttling', { status: 400, body: error('ProvisionedThroughputExceededException') }],
    ['a reset connection', 'reset'],
  ])('%s, then an answer: the second attempt answers', async (_name, first) => {
    replies = [first, { status: 200, body: { Items: [] } }];
    expect(await callDynamo(endpoint(), call())).toEqual({ Items: [] });
    expect(received).toHaveLength(2);
  });

  it('gives up after the second attempt, naming the error', async () => {
    replies = [
      { status: 503, body: error('ServiceUnavailable') },
      { status: 503, body: error('ServiceUnavailable') },
    ];
    await expect(callDynamo(endpoint(), call())).rejects.toEqual(
      expect.objectContaining({ name: 'DynamoRequestError', errorName: 'ServiceUnavailable', retryable: true }),
    );
    expect(received).toHaveLength(2);
  });

  it('does not retry an error that would recur (a bad request, a missing table)', async () => {
    replies = [{ status: 400, body: error('ResourceNotFoundException') }];
    const failure = await callDynamo(endpoint(), call()).catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(DynamoRequestError);
    expect(failure).toMatchObject({ errorName: 'ResourceNotFoundException', retryable: false });
    expect(received).toHaveLength(1);
  });

  it('stops at the deadline: a hanging answer is a TimeoutError, and no retry follows it', async () => {
    replies = ['hang'];
    const failure = await callDynamo(endpoint(), call({ deadline: Date.now() + 200 })).catch(
      (caught: unknown) => caught,
    );
    expect(failure).toMatchObject({ errorName: 'TimeoutError' });
    expect(received).toHaveLength(1);
  });
});
