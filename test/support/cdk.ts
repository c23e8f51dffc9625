/** Builds the CDK app exactly as bin/app.ts does, with cdk.json's context, for template tests. */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Stack } from 'aws-cdk-lib';
import { buildApp, type CognitoJwtApp } from '../../lib/app';
import cdkJson from '../../cdk.json';

export function buildTestApp(context: Record<string, string> = {}): CognitoJwtApp {
  return buildApp(new App({ context: { ...cdkJson.context, ...context } }));
}

/** The template as JSON with asset hashes replaced: stable across machines and checkouts. */
export function stableTemplate(stack: Stack): unknown {
  const json = JSON.stringify(Template.fromStack(stack).toJSON());
  return JSON.parse(json.replace(/[0-9a-f]{64}(\.zip)?/g, '[asset-hash]'));
}
