/** A failure the user can act on: printed as one line, exit code 1, never a stack trace. */
export class CliError extends Error {
  readonly name = 'CliError';
}
