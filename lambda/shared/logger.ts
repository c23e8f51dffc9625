/**
 * Structured JSON logs in the shape of Powertools for AWS Lambda: one line per event,
 * `level`, `message`, `service`, `timestamp`, then fields. Callers pass only fields that
 * are safe to keep: never a token, password, code or verifier.
 */

export type LogLevel = 'INFO' | 'WARN' | 'ERROR';
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;
export type LogSink = (line: string) => void;

export interface Logger {
  log(level: LogLevel, message: string, fields: LogFields): void;
}

const stdoutSink: LogSink = (line) => {
  process.stdout.write(`${line}\n`);
};

export function createLogger(service: string, sink: LogSink = stdoutSink): Logger {
  return {
    log(level, message, fields) {
      try {
        sink(JSON.stringify({ level, message, service, timestamp: new Date().toISOString(), ...fields }));
      } catch {
        // A failing log sink must never change a decision or an answer.
      }
    },
  };
}
