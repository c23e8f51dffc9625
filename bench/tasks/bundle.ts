/** The authorizer bundle as deployed (the CDK construct's esbuild options). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSync, type BuildOptions } from 'esbuild';
import { AUTHORIZER_BUNDLING, type FunctionBundling } from '../../lib/config/bundling';

export const PROJECT_ROOT = path.resolve(__dirname, '../..');
export const AUTHORIZER_ENTRY = path.join(PROJECT_ROOT, 'lambda/authorizer/index.ts');
export const AWS_JWT_VERIFY_ONLY_ENTRY = path.join(PROJECT_ROOT, 'bench/fixtures/aws-jwt-verify-only.ts');
export const AUTHORIZER_FIRST_USE_ENTRY = path.join(PROJECT_ROOT, 'bench/fixtures/authorizer-first-use.ts');

export interface Bundle {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Deletes the bundle's temporary directory. */
  remove(): void;
}

export interface BundleOptions {
  /**
   * Write `index.js.map` beside the bundle and link it, as NodejsFunction does with `sourceMap`
   * (the Lambda then loads it with --enable-source-maps). Off, the bundle is measured without it.
   * @default false
   */
  readonly sourceMap?: boolean;
  /**
   * esbuild `define`s, as the API construct passes them (lib/constructs/lambda-environment.ts ›
   * authorizerConfigInCode: the authorizer's config in its code).
   * @default none
   */
  readonly define?: Readonly<Record<string, string>>;
}

/**
 * CDK's `esbuildArgs` in esbuild's API form. Only what lib/config/bundling.ts uses is understood;
 * anything else fails, so the benchmark cannot silently build something other than what is deployed.
 */
function esbuildArgsAsOptions(args: FunctionBundling['esbuildArgs']): Pick<BuildOptions, 'alias' | 'supported'> {
  const options: Pick<BuildOptions, 'alias' | 'supported'> = {};
  for (const [flag, value] of Object.entries(args ?? {})) {
    const feature = /^--supported:(.+)$/.exec(flag)?.[1];
    if (feature !== undefined && (value === 'true' || value === 'false')) {
      options.supported = { ...options.supported, [feature]: value === 'true' };
      continue;
    }
    if (flag !== '--alias') throw new Error(`bench: esbuild argument ${flag} is not mirrored by the benchmark`);
    const entries = (Array.isArray(value) ? value : [String(value)]).map(
      (entry) => entry.split('=', 2) as [string, string],
    );
    options.alias = { ...options.alias, ...Object.fromEntries(entries) };
  }
  return options;
}

/** Bundles like NodejsFunction does (everything but the function's `externalModules`). */
export function buildBundle(
  entry: string,
  bundling: FunctionBundling = AUTHORIZER_BUNDLING,
  options: BundleOptions = {},
): Bundle {
  const dir = mkdtempSync(path.join(tmpdir(), 'lambda-bundle-'));
  const file = path.join(dir, 'index.js');
  const sourceMap = options.sourceMap === true && bundling.sourceMap;
  buildSync({
    entryPoints: [entry],
    outfile: file,
    absWorkingDir: PROJECT_ROOT, // NodejsFunction runs esbuild in the project root too
    bundle: true,
    platform: 'node',
    minify: bundling.minify,
    keepNames: bundling.keepNames,
    target: bundling.target,
    format: bundling.format,
    external: bundling.externalModules,
    sourcemap: sourceMap,
    sourcesContent: sourceMap ? bundling.sourcesContent : undefined,
    ...esbuildArgsAsOptions(bundling.esbuildArgs),
    define: options.define && { ...options.define },
    logLevel: 'silent',
  });
  const code = readFileSync(file);
  return {
    file,
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
