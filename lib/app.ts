/**
 * Builds the CDK app: both stacks of one stage, with cdk-nag's AWS Solutions checks and AWS Control
 * Tower's proactive controls (lib/compliance/control-tower.ts).
 * The stage's config comes from the context (lib/config/stage-context.ts: `stage`, `domainPrefix`,
 * `callbackUrls`, `logoutUrls`, `allowedOrigins`, `threatProtection`, `alarmEmail`) and is validated
 * before any construct exists.
 * bin/app.ts runs it for `cdk synth/deploy`; the tests build the same app.
 */
import { App, Validations, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { applyControlTowerChecks } from './compliance/control-tower';
import { resourceName, type AppConfig } from './config/app-config';
import { configFromContext } from './config/stage-context';
import { ApiStack } from './stacks/api-stack';
import { IdentityStack } from './stacks/identity-stack';

export interface CognitoJwtApp {
  readonly app: App;
  readonly config: AppConfig;
  readonly identity: IdentityStack;
  readonly api: ApiStack;
}

export interface BuildAppOptions {
  /**
   * Run AWS Control Tower's guard rules on every synth (≈ 3–5 s of cfn-guard per synth). Template
   * tests about other things turn it off; test/lib/compliance checks every stage with it on.
   * @default true
   */
  readonly controlTowerChecks?: boolean;
}

export function buildApp(app: App = new App(), options: BuildAppOptions = {}): CognitoJwtApp {
  const config = configFromContext((key) => app.node.tryGetContext(key));
  // Region from context, the CLI's profile, or the config; the account only if known (else env-agnostic).
  const env: Environment = {
    account: contextString(app, 'account') ?? process.env.CDK_DEFAULT_ACCOUNT ?? config.env.account,
    region: contextString(app, 'region') ?? process.env.CDK_DEFAULT_REGION ?? config.env.region,
  };

  const identity = new IdentityStack(app, resourceName(config, 'Identity'), {
    env,
    config,
    description: 'Cognito user pool, groups and identity pool',
  });
  const api = new ApiStack(app, resourceName(config, 'Api'), {
    env,
    config,
    userPool: identity.identity.userPool,
    userPoolClient: identity.identity.userPoolClient,
    machineClients: identity.identity.machineClients,
    tokenEndpoint: identity.tokenEndpoint,
    description: 'REST API with a Lambda authorizer for Cognito JWTs',
  });
  applyNag(app, config, identity, api);
  if (options.controlTowerChecks ?? true) applyControlTowerChecks(app, config, [identity, api]);
  return { app, config, identity, api };
}

function contextString(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' ? value : undefined;
}

/** cdk-nag AWS Solutions on the whole app; each acknowledgement says why. */
function applyNag(app: App, config: AppConfig, identity: IdentityStack, api: ApiStack): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const pool = identity.identity.userPool;
  Validations.of(pool).acknowledge({
    id: 'AwsSolutions-COG2',
    reason:
      'MFA is optional (TOTP) as specified: enforcing it is a per-deployment policy decision; the password policy is strong',
  });
  if (config.userPool.threatProtection === 'off') {
    Validations.of(pool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Threat protection is off in this config (the Plus plan costs $0.02 per monthly active user, no free tier): turn it on with config.userPool.threatProtection or -c threatProtection=audit|enforced',
    });
  }
  if (!config.hardening.waf) {
    Validations.of(api.api.api).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'No WAF web ACL in this stage to keep it cheap (config.hardening.waf; every stage but dev has one): stage and per-method throttling still apply',
    });
  }
  Validations.of(api.api.api).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    reason:
      "API Gateway's account-level CloudWatch role needs the AWS-managed AmazonAPIGatewayPushToCloudWatchLogs policy for stage logging",
  });
}
