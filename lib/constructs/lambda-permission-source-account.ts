import { Stack, type IAspect } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';

/**
 * Gives every Lambda permission without one the `SourceAccount` of its stack: a service principal
 * (API Gateway here) may then invoke the function only on behalf of this account's resources, and
 * AWS Control Tower's CT.LAMBDA.PR.2 accepts it (its static rule rejects the `Fn::Join` `SourceArn`
 * CDK writes). With an account known at synth the value is a literal; otherwise `AWS::AccountId`.
 */
export class LambdaPermissionSourceAccount implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof lambda.CfnPermission && node.sourceAccount === undefined) {
      node.sourceAccount = Stack.of(node).account;
    }
  }
}
