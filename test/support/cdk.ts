/** Builds the CDK app exactly as bin/app.ts does, with cdk.json's context, for template tests. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Stack } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { buildApp, type CognitoJwtApp } from '../../lib/app';
import { configFor } from '../../lib/config/app-config';
import cdkJson from '../../cdk.json';

/** The context a non-dev stage needs (README › Deploy): https URLs of a made-up app. */
export const PROD_CONTEXT = {
  stage: 'prod',
  callbackUrls: 'https://app.example.com/callback',
  logoutUrls: 'https://app.example.com/',
  allowedOrigins: 'https://app.example.com',
} as const;

export interface TestAppOptions {
  /** Extra context (e.g. `stage`). */
  readonly context?: Record<string, unknown>;
  /**
   * Run esbuild for the NodejsFunctions (≈ 3 s per app here). Tests of templates that do not
   * look at the Lambda code skip it; the assets then hold no code, the templates are the same.
   * @default true
   */
  readonly bundling?: boolean;
  /**
   * Run AWS Control Tower's guard rules on synth, as bin/app.ts does (cfn-guard: seconds per synth).
   * test/lib/compliance/control-tower.int.test.ts checks the stages with them; other tests leave them off.
   * @default false
   */
  readonly controlTowerChecks?: boolean;
}

export function buildTestApp(options: TestAppOptions = {}): CognitoJwtApp {
  const context: Record<string, unknown> = {
    ...cdkJson.context,
    // Pinned so a CDK_DEFAULT_REGION in the shell cannot change the templates (and snapshots).
    region: configFor().env.region,
    ...options.context,
  };
  if (options.bundling === false) context['aws:cdk:bundling-stacks'] = [];
  return buildApp(new App({ context }), { controlTowerChecks: options.controlTowerChecks ?? false });
}

/** The directory of a bundled function's code in the cloud assembly (its asset), from the function's `Code.S3Key`. */
export function functionCodeDirectory(assemblyDirectory: string, s3Key: unknown): string {
  return path.join(assemblyDirectory, `asset.${String(s3Key).replace(/\.zip$/, '')}`);
}

/** How many resources of each CloudFormation type the stack holds: a snapshot a reviewer can read (the details have targeted tests). */
export function resourceInventory(stack: Stack): Record<string, number> {
  const resources =
    (Template.fromStack(stack).toJSON() as { Resources?: Record<string, { Type: string }> }).Resources ?? {};
  const counts: Record<string, number> = {};
  for (const { Type } of Object.values(resources)) counts[Type] = (counts[Type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

export interface ValidationFinding {
  readonly plugin: string;
  readonly rule: string;
  readonly severity: string;
  readonly constructPaths: readonly string[];
}

/**
 * Every finding left in the assembly's validation report (cdk-nag 3 reports through CDK's policy
 * validation, not through Annotations). Acknowledged findings are not listed. Warnings (e.g.
 * AwsSolutions-APIG3, -COG2) are listed too, although only errors fail the synthesis.
 */
export function validationFindings(assembly: CloudAssembly): ValidationFinding[] {
  const file = path.join(assembly.directory, 'validation-report.json');
  if (!fs.existsSync(file)) return [];
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    pluginReports: Array<{
      pluginName: string;
      violations?: Array<{
        ruleName: string;
        severity?: string;
        violatingConstructs?: Array<{ constructPath?: string }>;
      }>;
    }>;
  };
  return report.pluginReports.flatMap((pluginReport) =>
    (pluginReport.violations ?? []).map((violation) => ({
      plugin: pluginReport.pluginName,
      rule: violation.ruleName,
      severity: violation.severity ?? '',
      constructPaths: (violation.violatingConstructs ?? []).map((construct) => construct.constructPath ?? ''),
    })),
  );
}
