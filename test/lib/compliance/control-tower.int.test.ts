/**
 * AWS Control Tower's proactive controls, as the CDK app runs them on every synth (the guard rules
 * of @cdklabs/cdk-validator-cfnguard through CDK's policy validation): no stage leaves a finding
 * that is neither fixed nor exempted, and only the exemptions that hold for the stage are used.
 * Each synth runs the real cfn-guard binary (≈ 3–5 s); no bundling.
 */
import { accessMap } from '../../../lib/contracts/access-map';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { configFor } from '../../../lib/config/app-config';
import {
  CONTROL_TOWER_EXEMPTIONS,
  CONTROL_TOWER_PLUGIN,
  applyControlTowerChecks,
} from '../../../lib/compliance/control-tower';
import { PROD_CONTEXT, buildTestApp, validationFindings } from '../../support/cdk';

/** Every deploy has an account; the static rule of CT.LAMBDA.PR.2 accepts only a literal SourceAccount. */
const ACCOUNT = '123456789012';

interface ReportedRule {
  readonly rule: string;
  readonly resources: number;
}

/** The Control Tower rules the report lists as acknowledged (exempted), with how many resources each. */
function exempted(assembly: CloudAssembly): ReportedRule[] {
  const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8')) as {
    pluginReports: Array<{
      pluginName: string;
      suppressedViolations?: Array<{ ruleName: string; violatingConstructs: unknown[] }>;
    }>;
  };
  return report.pluginReports
    .filter((pluginReport) => pluginReport.pluginName === CONTROL_TOWER_PLUGIN)
    .flatMap((pluginReport) => pluginReport.suppressedViolations ?? [])
    .map((violation) => ({ rule: violation.ruleName, resources: violation.violatingConstructs.length }))
    .sort((a, b) => a.rule.localeCompare(b.rule));
}

const controlTowerFindings = (assembly: CloudAssembly) =>
  validationFindings(assembly).filter((finding) => finding.plugin === CONTROL_TOWER_PLUGIN);

const ruleOf = (control: string): string => {
  const exemption = CONTROL_TOWER_EXEMPTIONS.find((candidate) => candidate.control === control);
  if (!exemption) throw new Error(`no exemption for ${control}`);
  return exemption.rule;
};

describe('prod, synthesized with an account as every deploy is', () => {
  let assembly: CloudAssembly;
  beforeAll(() => {
    const { app } = buildTestApp({
      context: { ...PROD_CONTEXT, account: ACCOUNT },
      bundling: false,
      controlTowerChecks: true,
    });
    assembly = app.synth(); // throws on any finding neither fixed nor exempted
  });

  it('leaves no Control Tower finding unexempted', () => {
    expect(controlTowerFindings(assembly)).toEqual([]);
  });

  it('exempts only the functions outside a VPC (CT.LAMBDA.PR.3): X-Ray, alarm actions, log retention and encryption, SourceAccount are fixed', () => {
    expect(exempted(assembly)).toEqual([{ rule: ruleOf('CT.LAMBDA.PR.3'), resources: 5 }]);
  });

  it('has the KMS key that brings CT.KMS.PR.1 (rotation) and CT.KMS.PR.3 (grants) into play, and they pass', () => {
    const api = assembly.stacks.find((stack) => stack.stackName.endsWith('-Api'))!;
    const types = Object.values(api.template.Resources as Record<string, { Type: string }>).map(({ Type }) => Type);
    expect(types).toContain('AWS::KMS::Key');
    expect(types).toContain('AWS::WAFv2::WebACL'); // CT.WAFV2.PR.1: a web ACL with rules
  });
});

describe('dev, synthesized without an account as `npm run synth` does', () => {
  let assembly: CloudAssembly;
  beforeAll(() => {
    assembly = buildTestApp({ bundling: false, controlTowerChecks: true }).app.synth();
  });

  it('leaves no Control Tower finding unexempted', () => {
    expect(controlTowerFindings(assembly)).toEqual([]);
  });

  it("uses exactly the exemptions for dev's cheaper settings and the unknown account, each on all its resources", () => {
    expect(exempted(assembly)).toEqual(
      [
        { rule: ruleOf('CT.APIGATEWAY.PR.2'), resources: 1 },
        { rule: ruleOf('CT.CLOUDWATCH.PR.2'), resources: 6 },
        { rule: ruleOf('CT.CLOUDWATCH.PR.3'), resources: 6 },
        // One invoke permission per handler (for the whole API), one for the authorizer.
        { rule: ruleOf('CT.LAMBDA.PR.2'), resources: new Set(accessMap.map((route) => route.handler)).size + 1 },
        { rule: ruleOf('CT.LAMBDA.PR.3'), resources: 5 },
      ].sort((a, b) => a.rule.localeCompare(b.rule)),
    );
  });
});

it('the checks are really on: an unexempted stack reports what Control Tower would reject', () => {
  const app = new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
  const stack = new Stack(app, 'Unreviewed', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const key = new kms.Key(stack, 'KeyWithoutRotation', { enableKeyRotation: false });
  new logs.LogGroup(stack, 'MonthOfLogs', { retention: logs.RetentionDays.ONE_MONTH, encryptionKey: key });
  new cloudwatch.Alarm(stack, 'SilentAlarm', {
    metric: new cloudwatch.Metric({ namespace: 'Test', metricName: 'Errors', period: Duration.minutes(5) }),
    threshold: 1,
    evaluationPeriods: 1,
  });
  // A prod config: none of the dev exemptions apply, and the account is known.
  applyControlTowerChecks(app, configFor('prod'), [stack]);
  const rules = new Set(controlTowerFindings(app.synth()).map((finding) => finding.rule));
  expect([...rules].sort()).toEqual(
    [
      'cloudwatch_alarm_action_check', // CT.CLOUDWATCH.PR.1
      'cloudwatch_log_group_retention_period_check', // CT.CLOUDWATCH.PR.2
      'kms_key_rotation_enabled_check', // CT.KMS.PR.1
      'kms_create_grant_aws_service_check', // CT.KMS.PR.3
    ].sort(),
  );
});

it('runs the cfn-guard binary the package ships, executable as installed (no install script needed)', () => {
  const binary = path.join(
    path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')),
    'bin',
    process.platform === 'darwin' ? 'macos' : 'ubuntu',
    process.arch === 'arm64' ? 'aarch64' : 'x86_64',
    'cfn-guard',
  );
  expect(() => fs.accessSync(binary, fs.constants.X_OK)).not.toThrow();
});
