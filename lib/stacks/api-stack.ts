import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import { resourceName, type AppConfig } from '../config/app-config';
import { TABLE_KEYS, TABLES } from '../config/tables';
import { AuthorizedApi } from '../constructs/api';
import { AuthorizerMonitoring } from '../constructs/monitoring';
import { AppTables } from '../constructs/tables';

export interface ApiStackProps extends StackProps {
  readonly config: AppConfig;
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  /** @default none */
  readonly machineClients?: readonly IUserPoolClient[];
  readonly tokenEndpoint: string;
}

/** The REST API, its Lambda authorizer and backends, built from the access map, the tables they use, and their monitoring. */
export class ApiStack extends Stack {
  readonly api: AuthorizedApi;
  readonly tables: AppTables;
  readonly monitoring: AuthorizerMonitoring;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    this.tables = new AppTables(this, 'Tables', { config: props.config });
    this.api = new AuthorizedApi(this, 'Api', {
      config: props.config,
      userPool: props.userPool,
      userPoolClient: props.userPoolClient,
      machineClients: props.machineClients,
      tokenEndpoint: props.tokenEndpoint,
      tables: this.tables,
    });
    this.monitoring = new AuthorizerMonitoring(this, 'Monitoring', {
      authorizerLogGroup: this.api.authorizerLogGroup,
      authorizerFunction: this.api.authorizerFunction,
      stage: this.api.api.deploymentStage,
      metricNamespace: `${props.config.appName}/${props.config.stage}`,
      dashboardName: resourceName(props.config, 'authorizer'),
    });
    new CfnOutput(this, 'ApiUrl', { value: this.api.api.url });
    for (const key of TABLE_KEYS)
      new CfnOutput(this, TABLES[key].outputName, { value: this.tables.table(key).tableName });
  }
}
