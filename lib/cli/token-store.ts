/**
 * Saved tokens, like the seed's Go client: a JSON file readable by its owner only (0600).
 * A file with wider permissions is tightened with a warning; a corrupted one is an error
 * that says how to recover.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { isJsonObject, safeJsonParse } from '../../lambda/shared/json';
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

export class TokenStore {
  constructor(
    readonly file: string,
    private readonly warn: (message: string) => void,
  ) {}

  save(tokens: SavedTokens): void {
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    writeFileSync(this.file, `${JSON.stringify(tokens, null, 2)}\n`, { mode: OWNER_ONLY });
    chmodSync(this.file, OWNER_ONLY); // writeFileSync keeps the mode of an existing file
  }

  load(): SavedTokens {
    if (!existsSync(this.file))
      throw new CliError(
        `Not logged in (no tokens at ${this.file}): run \`npm run cli -- login --username U --password P\``,
      );
    const mode = statSync(this.file).mode & 0o777;
    if (mode !== OWNER_ONLY) {
      this.warn(`warning: ${this.file} had permissions ${mode.toString(8)}; set to 600`);
      chmodSync(this.file, OWNER_ONLY);
    }
    const tokens = safeJsonParse(readFileSync(this.file, 'utf8'));
    if (!isSavedTokens(tokens))
      throw new CliError(`${this.file} is corrupted: run \`npm run cli -- logout\` and log in again`);
    return tokens;
  }

  clear(): boolean {
    if (!existsSync(this.file)) return false;
    rmSync(this.file);
    return true;
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
