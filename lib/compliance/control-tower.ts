/**
 * AWS Control Tower's proactive controls at synth: the guard rules AWS ships for them
 * (`@cdklabs/cdk-validator-cfnguard`, which carries the `cfn-guard` binary) run through CDK's
 * policy validation on every synth, so `cdk synth`/`deploy` fail on a template a Control Tower
 * landing zone's hooks would reject at deploy time. The exemptions are here and nowhere else, each
 * with its reason and the condition it holds under.
 */
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { Token, Validations, type App, type Stack } from 'aws-cdk-lib';
import type { AppConfig } from '../config/app-config';

/** The plugin's name, the prefix of its rule ids in acknowledgements (`cdk-validator-cfnguard::<rule>`). */
export const CONTROL_TOWER_PLUGIN = 'cdk-validator-cfnguard';

export interface ControlTowerExemption {
  /** The Control Tower control, e.g. `CT.LAMBDA.PR.3`. */
  readonly control: string;
  /** The guard rule that implements it (the name the plugin reports). */
  readonly rule: string;
  readonly reason: string;
  /** Whether the exemption applies to a stack of this config (false: the control must pass). */
  readonly appliesTo: (config: AppConfig, stack: Stack) => boolean;
}

/** Every exemption from a Control Tower control, with why. */
export const CONTROL_TOWER_EXEMPTIONS: readonly ControlTowerExemption[] = [
  {
    control: 'CT.LAMBDA.PR.3',
    rule: 'lambda_inside_vpc_check',
    reason:
      'The functions reach only public AWS endpoints (Cognito for the JWKS and the auth calls, DynamoDB) and no private ' +
      'resource, so a VPC would isolate nothing. It would need a NAT gateway ($0.045/hour ≈ $33/month per AZ, ≈ $66 for ' +
      'two AZs, plus $0.045/GB) or interface endpoints ($0.01/hour per AZ each), put one more hop in front of the ' +
      "cold start's JWKS download, and leave each function Pending while Lambda creates its VPC network interface",
    appliesTo: () => true,
  },
  {
    control: 'CT.LAMBDA.PR.2',
    rule: 'lambda_function_public_access_prohibited_check',
    reason:
      'Every permission has SourceAccount = AWS::AccountId (the synth knew no account); the static rule accepts only a ' +
      'literal, the deploy-time hook sees the resolved value. Synthesize with -c account=<id> to check it here',
    appliesTo: (_config, stack) => Token.isUnresolved(stack.account),
  },
  {
    control: 'CT.APIGATEWAY.PR.2',
    rule: 'api_gw_xray_enabled_check',
    reason: 'X-Ray is off in this stage to keep it cheap (config.hardening.tracing; on in every stage but dev)',
    appliesTo: (config) => !config.hardening.tracing,
  },
  {
    control: 'CT.CLOUDWATCH.PR.2',
    rule: 'cloudwatch_log_group_retention_period_check',
    reason:
      'Logs are kept less than a year in this stage to keep it cheap (config.hardening.logRetentionDays; 365 in every stage but dev)',
    appliesTo: (config) => config.hardening.logRetentionDays < 365,
  },
  {
    control: 'CT.CLOUDWATCH.PR.3',
    rule: 'cloudwatch_log_group_encrypted_check',
    reason:
      'No customer managed KMS key in this stage (≈ $1/month; config.hardening.encryptWithKmsKey, on in every stage but dev): CloudWatch Logs encrypts with its own key',
    appliesTo: (config) => !config.hardening.encryptWithKmsKey,
  },
];

/** The exemptions that apply to this stack of this config. */
export function exemptionsFor(config: AppConfig, stack: Stack): ControlTowerExemption[] {
  return CONTROL_TOWER_EXEMPTIONS.filter((exemption) => exemption.appliesTo(config, stack));
}

/** Runs the Control Tower guard rules on every synth of the app, with the exemptions that apply to each stack. */
export function applyControlTowerChecks(app: App, config: AppConfig, stacks: readonly Stack[]): void {
  Validations.of(app).addPlugins(new CfnGuardValidator({ controlTowerRulesEnabled: true }));
  for (const stack of stacks) {
    for (const { control, rule, reason } of exemptionsFor(config, stack)) {
      Validations.of(stack).acknowledge({ id: `${CONTROL_TOWER_PLUGIN}::${rule}`, reason: `${control}: ${reason}` });
    }
  }
}
