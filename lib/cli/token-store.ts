/**
 * Saved tokens, like the seed's Go client: a JSON file readable by its owner only (0600). Each save
 * writes a new file (created exclusively, never through a symbolic link) and renames it over the
 * old one, so a reader sees the old tokens or the new, a link planted at the path is replaced rather
 * than followed, and a pre-existing file (with whatever mode or other names it has) is never
 * written into. A file with wider permissions is tightened with a warning; a corrupted one, or a
 * symbolic link, is an error that says how to recover.
 */
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { isJsonObject, safeJsonParse } from '../contracts/json';
import { CliError } from './errors';

export interface SavedTokens {
  readonly apiUrl: string;
  readonly accessToken: string;
  readonly idToken?: string;
  readonly refreshToken?: string;
  /** Epoch seconds when the access token expires. */
  readonly expiresAt: number;
  /** A machine client's token (client-credentials grant): the client, and the scopes asked for ('' for all). */
  readonly machine?: { readonly clientId: string; readonly scope: string };
}

const OWNER_ONLY = 0o600;
const NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

export class TokenStore {
  constructor(
    readonly file: string,
    private readonly warn: (message: string) => void,
  ) {}

  save(tokens: SavedTokens): void {
    const dir = path.dirname(this.file);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temporary = path.join(dir, `.${path.basename(this.file)}.${randomBytes(8).toString('hex')}.tmp`);
    const fd = openSync(temporary, NEW_FILE, OWNER_ONLY);
    try {
      fchmodSync(fd, OWNER_ONLY); // the umask may have taken bits away, never added: set exactly
      writeFileSync(fd, `${JSON.stringify(tokens, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      renameSync(temporary, this.file);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
  }

  load(): SavedTokens {
    if (!this.present())
      throw new CliError(
        `Not logged in (no tokens at ${this.file}): run \`npm run cli -- login --username U --password P\``,
      );
    const fd = this.openForReading();
    let text: string;
    try {
      const mode = fstatSync(fd).mode & 0o777;
      if (mode !== OWNER_ONLY) {
        this.warn(`warning: ${this.file} had permissions ${mode.toString(8)}; set to 600`);
        fchmodSync(fd, OWNER_ONLY);
      }
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
    const tokens = safeJsonParse(text);
    if (!isSavedTokens(tokens))
      throw new CliError(`${this.file} is corrupted: run \`npm run cli -- logout\` and log in again`);
    return tokens;
  }

  clear(): boolean {
    if (!this.present()) return false;
    rmSync(this.file);
    return true;
  }

  /** Something is at the path (a symbolic link counts, even a dangling one). */
  private present(): boolean {
    return lstatSync(this.file, { throwIfNoEntry: false }) !== undefined;
  }

  /** Opens the file itself, never what a symbolic link at its path points to. */
  private openForReading(): number {
    try {
      return openSync(this.file, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ELOOP')
        throw new CliError(
          `${this.file} is a symbolic link: tokens are never read through one; delete it and log in again`,
        );
      throw error;
    }
  }
}

function isSavedTokens(tokens: unknown): tokens is SavedTokens {
  return (
    isJsonObject(tokens) &&
    typeof tokens.apiUrl === 'string' &&
    typeof tokens.accessToken === 'string' &&
    typeof tokens.expiresAt === 'number'
  );
}
