/** A real local DynamoDB (dynalite) with the project's tables, in a fresh temp dir on a free port (fixtures/local-dynamo.ts). */
export { startLocalStore as startTestDynamo, type LocalStore as TestDynamo } from '../../fixtures/local-dynamo';
