import { Aspects, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { resourceName, type AppConfig } from '../config/app-config';
import { TABLE_KEYS, TABLES } from '../contracts/tables';
import { AuthorizedApi } from '../constructs/api';
import { ApiWaf } from '../constructs/api-waf';
import { LambdaPermissionSourceAccount } from '../constructs/lambda-permission-source-account';
import { AuthorizerMonitoring } from '../constructs/monitoring';
import { OperationsKey } from '../constructs/operations-key';
import { AppTables } from '../constructs/tables';

export interface ApiStackProps extends StackProps {
  readonly config: AppConfig;
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  /** @default none */
  readonly machineClients?: readonly IUserPoolClient[];
  readonly tokenEndpoint: string;
}

/**
 * The REST API, its Lambda authorizer and backends, built from the access map, the tables they use,
 * and their monitoring; with the stage's hardening (lib/config/app-config.ts): X-Ray, log retention
 * and encryption, the WAF web ACL. Every alarm publishes to one SNS topic (output `AlarmTopicArn`).
 */
export class ApiStack extends Stack {
  readonly api: AuthorizedApi;
  readonly tables: AppTables;
  readonly monitoring: AuthorizerMonitoring;
  readonly alarmTopic: sns.Topic;
  /** The key of the log groups and the alarm topic, in stages that encrypt with one. */
  readonly operationsKey?: OperationsKey;
  /** The WAF web ACL on the API stage, in stages that have one. */
  readonly waf?: ApiWaf;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { hardening } = config;
    if (hardening.encryptWithKmsKey) this.operationsKey = new OperationsKey(this, 'OperationsKey');
    const key = this.operationsKey?.key;

    this.tables = new AppTables(this, 'Tables', { config });
    this.api = new AuthorizedApi(this, 'Api', {
      config,
      userPool: props.userPool,
      userPoolClient: props.userPoolClient,
      machineClients: props.machineClients,
      tokenEndpoint: props.tokenEndpoint,
      tables: this.tables,
      logRetention: hardening.logRetentionDays,
      retainAuditLogs: hardening.retainAuditLogs,
      logEncryptionKey: key,
      tracing: hardening.tracing,
    });
    if (hardening.waf) {
      this.waf = new ApiWaf(this, 'Waf', {
        stageArn: this.api.api.deploymentStage.stageArn,
        stageName: config.api.stageName,
        config: config.api.waf,
        name: resourceName(config, 'api'),
      });
    }

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { enforceSSL: true, masterKey: key });
    if (config.alarms.email !== undefined)
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(config.alarms.email));
    this.monitoring = new AuthorizerMonitoring(this, 'Monitoring', {
      authorizerLogGroup: this.api.authorizerLogGroup,
      authorizerFunction: this.api.authorizerFunction,
      stage: this.api.api.deploymentStage,
      metricNamespace: `${config.appName}/${config.stage}`,
      dashboardName: resourceName(config, 'authorizer'),
      alarmActions: [new cloudwatchActions.SnsAction(this.alarmTopic)],
    });
    Aspects.of(this).add(new LambdaPermissionSourceAccount());

    new CfnOutput(this, 'ApiUrl', { value: this.api.api.url });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
    for (const tableKey of TABLE_KEYS)
      new CfnOutput(this, TABLES[tableKey].outputName, { value: this.tables.table(tableKey).tableName });
  }
}
