import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AppConfig } from '../config/app-config';
import { CognitoIdentity } from '../constructs/identity';

export interface IdentityStackProps extends StackProps {
  readonly config: AppConfig;
}

/** User pool, app clients, resource server, groups, Hosted UI domain and identity pool, with stable output names. */
export class IdentityStack extends Stack {
  readonly identity: CognitoIdentity;
  readonly tokenEndpoint: string;

  constructor(scope: Construct, id: string, props: IdentityStackProps) {
    super(scope, id, props);
    this.identity = new CognitoIdentity(this, 'Identity', { config: props.config });
    const hostedUiUrl = this.identity.domain.baseUrl();
    this.tokenEndpoint = `${hostedUiUrl}/oauth2/token`;

    const outputs: Record<string, string> = {
      UserPoolId: this.identity.userPool.userPoolId,
      UserPoolClientId: this.identity.userPoolClient.userPoolClientId,
      UserPoolProviderUrl: this.identity.issuerUrl,
      JwksUri: this.identity.jwksUri,
      IdentityPoolId: this.identity.identityPool.identityPoolId,
      AuthenticatedRoleArn: this.identity.identityPool.authenticatedRole.roleArn,
      HostedUiUrl: hostedUiUrl,
      TokenEndpoint: this.tokenEndpoint,
      ResourceServerIdentifier: this.identity.resourceServer.identifier,
      ...(this.identity.machineClients[0] ? { MachineClientId: this.identity.machineClients[0].userPoolClientId } : {}),
    };
    for (const [name, value] of Object.entries(outputs)) new CfnOutput(this, name, { value });
  }
}
