/**
 * The DynamoDB document client every backend and the local system use: short time-outs (a hung
 * call must not hold a Lambda, a test or `npm start`), and in the local system dynalite's
 * endpoint — accepted only on loopback, with dummy credentials it ignores.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENV, loopbackOverride, type RuntimeEnv } from '../../lib/config/runtime-env';

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function createDynamoClient(env: RuntimeEnv, region = env[ENV.region] ?? 'us-east-1'): DynamoDBClient {
  const endpoint = loopbackOverride(env, ENV.dynamodbEndpoint);
  return new DynamoDBClient({
    region,
    maxAttempts: 2,
    // Without throwOnRequestTimeout the SDK only logs a warning when requestTimeout passes, and waits on.
    requestHandler: { connectionTimeout: 1000, requestTimeout: 3000, throwOnRequestTimeout: true },
    ...(endpoint ? { endpoint, credentials: LOCAL_CREDENTIALS } : {}),
  });
}

/** Plain JavaScript values in and out; `undefined` attributes are left out rather than rejected. */
export function createDocumentClient(env: RuntimeEnv): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createDynamoClient(env), { marshallOptions: { removeUndefinedValues: true } });
}
