/**
 * A child program for the log sink's tests: writes numbered lines through `stdoutSink` and reports
 * on stderr, one JSON line per report, what went through process.stdout and whether fd 1 is still
 * a blocking descriptor. Lines are `<number> <filler>`; long ones exceed what a pipe writes atomically.
 *
 * - `fd-only <count>`: short lines only; process.stdout is never opened.
 * - `stream-opened <count>`: first a banner through process.stdout, the way `npm start` prints, which
 *   makes fd 1 non-blocking when it is a pipe. Then short lines until one waits in process.stdout's
 *   queue (the pipe is full: nobody reads it yet) and a long one; report; then wait, blocked
 *   in a read of stdin, so this process cannot flush what process.stdout holds, until the reader has
 *   emptied the pipe and writes a line; then `count` more lines (every 10th long) and a last report.
 */
import { readFileSync, readSync, writeSync } from 'node:fs';
import { stdoutSink } from '../../lambda/shared/logger';

const O_NONBLOCK = 0o4000;
const [mode, countText] = process.argv.slice(2);
const count = Number(countText);
let next = 0;
let sinkBytes = 0;
let streamWrites = 0;
let streamBytes = 0;

const write = (long: boolean): void => {
  const line = `${next++} ${(long ? 'L' : 's').repeat(long ? 5000 : 300)}`;
  sinkBytes += line.length + 1;
  stdoutSink(line);
};

const report = (): void => {
  const flags = /flags:\s*(\d+)/.exec(readFileSync('/proc/self/fdinfo/1', 'utf8'))?.[1] ?? '0';
  const blocking = (parseInt(flags, 8) & O_NONBLOCK) === 0;
  writeSync(2, `${JSON.stringify({ streamWrites, directBytes: sinkBytes - streamBytes, blocking })}\n`);
};

if (mode === 'fd-only') {
  while (next < count) write(false);
  report();
} else {
  process.stdout.write('banner\n');
  const stream = process.stdout;
  const streamWrite = stream.write.bind(stream);
  stream.write = (chunk: string) => {
    streamWrites++;
    streamBytes += chunk.length;
    return streamWrite(chunk);
  };
  // Until a line sits in process.stdout's queue (the reader may take some lines out of the pipe meanwhile).
  while (stream.writableLength === 0) write(false);
  write(true);
  report();
  readSync(0, Buffer.alloc(16));
  for (let line = 0; line < count; line++) write(line % 10 === 9);
  report();
}
