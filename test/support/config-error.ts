/** For tests of the synth-time rules: what a build reports as broken. */
import { ConfigError } from '../../lib/config/config-error';

/** The problems of the ConfigError `build` throws; none if it succeeds. Any other error is rethrown. */
export function configProblems(build: () => unknown): readonly string[] {
  try {
    build();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
