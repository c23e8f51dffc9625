import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { CfnUserPoolClient, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { AppClientDefinition } from '../config/app-clients';

export interface AppClientProps {
  readonly userPool: IUserPool;
  /** The client, in the Cognito API's names (lib/config/app-clients.ts): synthesized as is. */
  readonly definition: AppClientDefinition;
}

/**
 * A user pool app client synthesized from its one definition in lib/config, which the local system
 * provisions into the emulator too. Each property is written under its CloudFormation name (the
 * Cognito API's), so nothing is translated twice. Its resource keeps the id `Resource`, as
 * `UserPool.addClient` named it: the logical id, and so the deployed client, stays the same.
 */
export class AppClient extends Construct {
  readonly resource: CfnUserPoolClient;
  readonly client: IUserPoolClient;

  constructor(scope: Construct, id: string, props: AppClientProps) {
    super(scope, id);
    this.resource = new CfnUserPoolClient(this, 'Resource', { userPoolId: props.userPool.userPoolId });
    for (const [name, value] of Object.entries(props.definition)) this.resource.addPropertyOverride(name, value);
    this.client = UserPoolClient.fromUserPoolClientId(this, 'Client', this.resource.ref);
  }
}
