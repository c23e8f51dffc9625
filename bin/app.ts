#!/usr/bin/env node
/**
 * CDK entry point (`cdk synth`, `cdk deploy`); the stage's context keys are read by lib/app.ts.
 * Any failure is one line on stderr and exit code 1, never a stack trace: a configuration problem
 * names the context key and the rule (the CDK CLI then adds its own "Subprocess exited with error 1";
 * for cdk-nag findings CDK prints its validation report first).
 */
import { buildApp } from '../lib/app';
import { ConfigError } from '../lib/config/config-error';

try {
  buildApp().app.synth();
} catch (error) {
  const message =
    error instanceof ConfigError
      ? error.message
      : `${error instanceof Error ? error.message : String(error)}`.split('\n')[0];
  process.stderr.write(`cdk: ${message}\n`);
  process.exit(1);
}
