/** A failure of the smoke run the user can act on: printed as one line, exit code 1, never a stack trace. */
export class SmokeError extends Error {
  readonly name = 'SmokeError';
}
