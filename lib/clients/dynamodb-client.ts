/**
 * The DynamoDB clients every backend and the local system use: short time-outs (a hung call must
 * not hold a Lambda, a test or `npm start`), and in the local system dynalite's endpoint
 * (lib/clients/sdk-client-config.ts).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENV, type RuntimeEnv } from '../contracts/runtime-env';
import { sdkClientConfig } from './sdk-client-config';

export function createDynamoClient(env: RuntimeEnv, region?: string): DynamoDBClient {
  return new DynamoDBClient(
    sdkClientConfig(env, ENV.dynamodbEndpoint, { connectionTimeout: 1000, requestTimeout: 3000 }, region),
  );
}

/** Plain JavaScript values in and out; `undefined` attributes are left out rather than rejected. */
export function createDocumentClient(env: RuntimeEnv): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createDynamoClient(env), { marshallOptions: { removeUndefinedValues: true } });
}
