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
  /** A logger that adds `fields` (e.g. the request id) to every line, before the line's own fields. */
  withFields(fields: LogFields): Logger;
}

export const stdoutSink: LogSink = (line) => {
  process.stdout.write(`${line}\n`);
};

/** ISO time of the current millisecond, formatted once per millisecond (many log lines share one). */
let formattedAt = -1;
let formatted = '';
export function isoNow(): string {
  const now = Date.now();
  if (now !== formattedAt) {
    formattedAt = now;
    formatted = new Date(now).toISOString();
  }
  return formatted;
}

/** The fixed start of a line, `{"level":…,"message":…,"service":…` (no closing brace), for writers that build lines from parts. */
export function lineHead(level: LogLevel, message: string, service: string): string {
  return JSON.stringify({ level, message, service }).slice(0, -1);
}

export function createLogger(service: string, sink: LogSink = stdoutSink): Logger {
  // The fixed head of each line is serialized once per level and message: this runs per request.
  const heads = new Map<string, string>();
  const headOf = (level: LogLevel, message: string): string => {
    const key = `${level}\n${message}`;
    let head = heads.get(key);
    if (head === undefined) {
      head = lineHead(level, message, service);
      heads.set(key, head);
    }
    return head;
  };
  const log = (level: LogLevel, message: string, fields: LogFields): void => {
    try {
      const line = `${headOf(level, message)},"timestamp":"${isoNow()}"`;
      const rest = JSON.stringify(fields);
      sink(rest === '{}' ? `${line}}` : `${line},${rest.slice(1)}`);
    } catch {
      // A failing log sink must never change a decision or an answer.
    }
  };
  const bind = (bound: LogFields): Logger => ({
    log: (level, message, fields) => log(level, message, { ...bound, ...fields }),
    withFields: (fields) => bind({ ...bound, ...fields }),
  });
  return { log, withFields: bind };
}
