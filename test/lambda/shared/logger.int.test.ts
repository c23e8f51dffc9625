import { spawn } from 'node:child_process';
import fs, { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import fc from 'fast-check';
import { createLogger, isoTimestamp } from '../../../lambda/shared/logger';
import { PROJECT_ROOT } from '../../support/local-process';

it('writes one JSON object per line in the Powertools shape, with or without fields', () => {
  const lines: string[] = [];
  const logger = createLogger('svc', (line) => lines.push(line));
  logger.log('INFO', 'hello "world"', { reason: 'ALLOWED', count: 2, ok: true, missing: undefined });
  logger.log('WARN', 'no fields', {});
  logger.log('ERROR', 'only undefined', { missing: undefined });
  const entries = lines.map((line) => JSON.parse(line));
  expect(entries[0]).toEqual({
    level: 'INFO',
    message: 'hello "world"',
    service: 'svc',
    timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    reason: 'ALLOWED',
    count: 2,
    ok: true,
  });
  expect(entries[1]).toEqual({ level: 'WARN', message: 'no fields', service: 'svc', timestamp: expect.any(String) });
  expect(entries[2]).toEqual({
    level: 'ERROR',
    message: 'only undefined',
    service: 'svc',
    timestamp: expect.any(String),
  });
});

it('never lets a failing sink throw into the caller', () => {
  const logger = createLogger('svc', () => {
    throw new Error('disk full');
  });
  expect(() => logger.log('INFO', 'x', {})).not.toThrow();
});

it('adds bound fields to every line of a derived logger, without changing the original', () => {
  const lines: string[] = [];
  const logger = createLogger('svc', (line) => lines.push(line));
  const scoped = logger.withFields({ requestId: 'r-1' }).withFields({ actor: 'a' });
  scoped.log('INFO', 'one', { requestId: 'own wins', extra: 1 });
  logger.log('INFO', 'two', {});
  const [first, second] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(first).toMatchObject({ message: 'one', requestId: 'own wins', actor: 'a', extra: 1 });
  expect(second).not.toHaveProperty('requestId');
});

it('formats timestamps exactly as Date#toISOString does, for every millisecond of years 1000–9999', () => {
  const instant = fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) });
  fc.assert(
    fc.property(instant, (epochMs) => isoTimestamp(epochMs) === new Date(epochMs).toISOString()),
    { numRuns: 2000 },
  );
  // The edges of every field (padding of single digits, the last millisecond of a year).
  for (const epochMs of [
    Date.UTC(1000, 0, 1),
    Date.UTC(2026, 0, 1, 0, 0, 0, 7),
    Date.UTC(2026, 8, 9, 9, 9, 9, 99),
    Date.UTC(2026, 11, 31, 23, 59, 59, 999),
    Date.UTC(2024, 1, 29),
  ]) {
    expect(isoTimestamp(epochMs)).toBe(new Date(epochMs).toISOString());
  }
});

describe('stdoutSink', () => {
  it('sends the rest of a line that a write cut short through process.stdout, counting non-ASCII lines in bytes', () => {
    const direct: string[] = [];
    const queued: string[] = [];
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module: the sink remembers whether it has queued
      const { stdoutSink: sink } = require('../../../lambda/shared/logger') as { stdoutSink: (line: string) => void };
      const cutShort = ((_fd: number, text: string): number => (
        direct.push(text),
        text.startsWith('cut') ? 3 : Buffer.byteLength(text)
      )) as typeof fs.writeSync;
      const write = jest.spyOn(fs, 'writeSync').mockImplementation(cutShort);
      const stream = jest
        .spyOn(process.stdout, 'write')
        .mockImplementation((chunk: string | Uint8Array) => queued.push(Buffer.from(chunk).toString()) > 0);
      try {
        sink('é ünïcode, whole');
        sink('cut short');
        sink('after');
      } finally {
        write.mockRestore();
        stream.mockRestore();
      }
    });
    expect(direct).toEqual(['é ünïcode, whole\n', 'cut short\n', 'after\n']);
    expect(queued).toEqual([' short\n']);
  });

  interface Report {
    readonly streamWrites: number;
    readonly directBytes: number;
    readonly blocking: boolean;
  }

  // Bundled and run by plain `node`, as a Lambda runs it (a TypeScript loader opens process.stdout itself).
  const dir = mkdtempSync(path.join(tmpdir(), 'log-writer-'));
  const writer = path.join(dir, 'log-writer.js');
  beforeAll(
    () =>
      void buildSync({
        entryPoints: [path.join(PROJECT_ROOT, 'test/support/log-writer.ts')],
        outfile: writer,
        bundle: true,
        platform: 'node',
        logLevel: 'silent',
      }),
  );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * Runs test/support/log-writer.ts (see there) with stdin and stdout on pipes. In `stream-opened`
   * mode stdout is left unread until the first report, then read until the pipe is empty (the
   * banner and every byte written straight to fd 1), and only then is the writer let go on.
   */
  function runWriter(
    mode: 'stream-opened' | 'fd-only',
    count: number,
  ): Promise<{ lines: string[]; reports: Report[] }> {
    const child = spawn(process.execPath, [writer, mode, String(count)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let released = false;
    const reports = () =>
      stderr
        .split('\n')
        .slice(0, -1)
        .map((line) => JSON.parse(line) as Report);
    const read = (pipeHolds: number) =>
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (!released && stdout.length >= pipeHolds) {
          released = true;
          child.stdin.end('go\n');
        }
      });
    if (mode === 'fd-only') read(0);
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      const first = !stderr.includes('\n');
      stderr += chunk;
      if (mode === 'stream-opened' && first && stderr.includes('\n'))
        read('banner\n'.length + reports()[0].directBytes);
    });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (status) => {
        if (status !== 0) return reject(new Error(`log writer exited with ${status}: ${stderr}`));
        resolve({ lines: stdout.split('\n').slice(0, -1), reports: reports() });
      });
    });
  }

  /** Lines `0 …` to `count - 1 …` in order, each whole (its filler's length tells a cut or merged line). */
  const expectNumberedLines = (lines: readonly string[], count: number, isLong: (line: number) => boolean) => {
    expect(lines.map((line) => Number(line.slice(0, line.indexOf(' '))))).toEqual(
      Array.from({ length: count }, (_, index) => index),
    );
    const badLength = lines.findIndex(
      (line, index) => line.length !== line.indexOf(' ') + 1 + (isLong(index) ? 5000 : 300),
    );
    expect(badLength).toBe(-1);
  };

  it('writes straight to fd 1, never opening process.stdout (fd 1 stays blocking), every line whole and in order', async () => {
    const { lines, reports } = await runWriter('fd-only', 2000);
    expect(reports).toEqual([{ streamWrites: 0, directBytes: expect.any(Number), blocking: true }]);
    expectNumberedLines(lines, 2000, () => false);
  });

  it('sends a line through process.stdout when the pipe is full or the line too long, and then no line overtakes the queued ones', async () => {
    const { lines, reports } = await runWriter('stream-opened', 200);
    const [full, end] = reports;
    // The line(s) the full pipe refused (EAGAIN), the last of them still queued, and the long one.
    expect(full.blocking).toBe(false);
    expect(full.streamWrites).toBeGreaterThanOrEqual(2);
    // The pipe was emptied before the last 200 lines, yet they all followed the queue.
    expect(end.streamWrites).toBe(full.streamWrites + 200);
    expect(lines[0]).toBe('banner');
    const phaseOne = lines.length - 1 - 200;
    expectNumberedLines(
      lines.slice(1),
      phaseOne + 200,
      (line) => line === phaseOne - 1 || (line >= phaseOne && (line - phaseOne) % 10 === 9),
    );
  });
});
