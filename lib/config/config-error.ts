/**
 * A configuration that AWS would reject at deploy time, or that would ship unsafe settings.
 * Raised at synth (and by the constructs, like aws-cdk-lib's own prop checks): one problem per
 * broken rule, all on one line so `cdk synth` prints exactly one line.
 *
 * Must stay free of aws-cdk-lib imports.
 */
export class ConfigError extends Error {
  readonly name = 'ConfigError';

  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
  }
}

/** Throws one ConfigError listing every problem, if there is any. */
export function assertNoProblems(problems: readonly string[]): void {
  if (problems.length > 0) throw new ConfigError(problems);
}
