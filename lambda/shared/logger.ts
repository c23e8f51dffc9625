/**
 * Structured JSON logs in the shape of Powertools for AWS Lambda: one line per event,
 * `level`, `message`, `service`, `timestamp`, then fields. Callers pass only fields that
 * are safe to keep: never a token, password, code or verifier.
 */
import { writeSync } from 'node:fs';

export type LogLevel = 'INFO' | 'WARN' | 'ERROR';
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;
export type LogSink = (line: string) => void;

export interface Logger {
  log(level: LogLevel, message: string, fields: LogFields): void;
  /** A logger that adds `fields` (e.g. the request id) to every line, before the line's own fields. */
  withFields(fields: LogFields): Logger;
}

/**
 * A line of at most this many UTF-16 units is at most 4,095 bytes, under PIPE_BUF: one write(2)
 * writes it whole or not at all, even to a non-blocking pipe.
 */
const ATOMIC_LINE_UNITS = 1365;

const isWouldBlock = (error: unknown): boolean => error instanceof Error && 'code' in error && error.code === 'EAGAIN';

/** process.stdout once a line had to go through it: later lines follow while it still holds some. */
let queue: NodeJS.WriteStream | undefined;

/**
 * Writes each line to fd 1 with one write(2). Not through `process.stdout` first: creating that
 * stream (and its first write) costs a cold start's first log line far more than one write(2)
 * (bench/README.md › Cold start). A line that cannot go whole in one write (longer than PIPE_BUF, the
 * pipe full: EAGAIN, or cut short, as a stream socket may) goes, or goes on, through process.stdout,
 * which queues it, and so do the lines after it until that queue is empty: no line overtakes another.
 */
export const stdoutSink: LogSink = (line) => {
  const text = `${line}\n`;
  let rest: string | Buffer = text;
  if ((queue === undefined || queue.writableLength === 0) && text.length <= ATOMIC_LINE_UNITS) {
    try {
      const written = writeSync(1, text);
      // ASCII lines (nearly all) are as many bytes as units; only others need counting.
      if (written === text.length || written === Buffer.byteLength(text)) return;
      rest = Buffer.from(text).subarray(written);
    } catch (error) {
      if (!isWouldBlock(error)) throw error;
    }
  }
  queue = process.stdout;
  queue.write(rest);
};

/** ISO time of the current millisecond, formatted once per millisecond (many log lines share one). */
let formattedAt = -1;
let formatted = '';
export function isoNow(): string {
  const now = Date.now();
  if (now !== formattedAt) {
    formattedAt = now;
    formatted = isoTimestamp(now);
  }
  return formatted;
}

const twoDigits = (value: number): string => (value < 10 ? `0${value}` : `${value}`);

/**
 * `Date#toISOString` for years 1000–9999 (every time Date.now() can give), from the UTC fields. Not
 * `toISOString` itself: its first call in a process costs a cold start's first log line
 * milliseconds (bench/README.md › Cold start); these getters cost microseconds.
 */
export function isoTimestamp(epochMs: number): string {
  const date = new Date(epochMs);
  const ms = date.getUTCMilliseconds();
  return (
    `${date.getUTCFullYear()}-${twoDigits(date.getUTCMonth() + 1)}-${twoDigits(date.getUTCDate())}` +
    `T${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())}:${twoDigits(date.getUTCSeconds())}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`
  );
}

/** The fixed start of a line, `{"level":…,"message":…,"service":…` (no closing brace), for writers that build lines from parts. */
export function lineHead(level: LogLevel, message: string, service: string): string {
  return JSON.stringify({ level, message, service }).slice(0, -1);
}

/** Whether JSON.stringify writes the string as it is, only quoted: no `"`, `\\`, control character or surrogate. */
function isPlainInJson(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return false;
  }
  return true;
}

/** A string as JSON.stringify writes it; ids, codes and routes need no escaping, only quotes. */
export const jsonString = (value: string): string => (isPlainInJson(value) ? `"${value}"` : JSON.stringify(value));

/**
 * Writes a line whose fields are already JSON members (`,"name":value…`: `jsonMembers` of a fields
 * object, or written by hand with `jsonString`). The logger writes through it; so does the decision
 * line, which knows its fields and writes them itself, once per request (bench/README.md › Where the
 * time goes).
 */
export type LineWriter = (level: LogLevel, message: string, members: string) => void;

export function createLineWriter(service: string, sink: LogSink = stdoutSink): LineWriter {
  // The fixed head of each line is serialized once per level and message: this runs per request.
  const heads: Record<LogLevel, Map<string, string>> = { INFO: new Map(), WARN: new Map(), ERROR: new Map() };
  const headOf = (level: LogLevel, message: string): string => {
    let head = heads[level].get(message);
    if (head === undefined) {
      head = lineHead(level, message, service);
      heads[level].set(message, head);
    }
    return head;
  };
  return (level, message, members) => {
    try {
      sink(`${headOf(level, message)},"timestamp":"${isoNow()}"${members}}`);
    } catch {
      // A failing log sink must never change a decision or an answer.
    }
  };
}

/** The fields as JSON members for a LineWriter (`,"name":value…`; undefined ones left out). */
export function jsonMembers(fields: LogFields): string {
  const json = JSON.stringify(fields); // strings, numbers and booleans: cannot throw
  return json === '{}' ? '' : `,${json.slice(1, -1)}`;
}

export function createLogger(service: string, sink: LogSink = stdoutSink): Logger {
  const write = createLineWriter(service, sink);
  const log = (level: LogLevel, message: string, fields: LogFields): void => write(level, message, jsonMembers(fields));
  const bind = (bound: LogFields): Logger => ({
    log: (level, message, fields) => log(level, message, { ...bound, ...fields }),
    withFields: (fields) => bind({ ...bound, ...fields }),
  });
  return { log, withFields: bind };
}
