import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import type { AppConfig } from '../config/app-config';
import { AuthorizedApi } from '../constructs/api';

export interface ApiStackProps extends StackProps {
  readonly config: AppConfig;
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  readonly tokenEndpoint: string;
}

/** The REST API, its Lambda authorizer and backends, built from the access map. */
export class ApiStack extends Stack {
  readonly api: AuthorizedApi;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    this.api = new AuthorizedApi(this, 'Api', {
      config: props.config,
      userPool: props.userPool,
      userPoolClient: props.userPoolClient,
      tokenEndpoint: props.tokenEndpoint,
    });
    new CfnOutput(this, 'ApiUrl', { value: this.api.api.url });
  }
}
