/**
 * The local system's state directory holds secrets: the emulator keeps every password in plain
 * text and every refresh token, dynalite the revocations, the CLI may keep tokens there. Nothing in
 * it may be readable by group or others: folders 0700, files 0600, when they are created (the
 * process's umask, which the emulator's child process inherits) and again on every start (for what
 * an older version or another tool left with wider modes). Symbolic links are never followed.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;
/** Everything this process (and its children) create from now on: no bits for group and others. */
const OWNER_ONLY_UMASK = 0o077;

export class PrivateDirError extends Error {
  readonly name = 'PrivateDirError';
}

/** Creates `dir` if needed and makes it and everything under it private; sets the owner-only umask first. */
export function makePrivateDir(dir: string): void {
  process.umask(OWNER_ONLY_UMASK);
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(dir);
}

function tighten(entry: string): void {
  const stats = lstatSync(entry);
  if (stats.isSymbolicLink()) return;
  const mode = stats.isDirectory() ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE;
  if ((stats.mode & 0o777) !== mode) {
    try {
      chmodSync(entry, mode);
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? String(error.code) : 'unknown error';
      throw new PrivateDirError(
        `Cannot make ${entry} private (${code}): LOCAL_DIR must be a folder of your own; use another one or fix its owner`,
      );
    }
  }
  if (stats.isDirectory()) for (const name of readdirSync(entry)) tighten(path.join(entry, name));
}
