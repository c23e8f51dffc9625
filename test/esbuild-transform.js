// Jest transform: transpile TypeScript with esbuild (already a dependency for bundling).
// Type-checking is done once by `tsc --noEmit` in `npm test`, not per test file.
const { transformSync } = require('esbuild');

module.exports = {
  process(sourceText, sourcePath) {
    const { code, map } = transformSync(sourceText, {
      loader: sourcePath.endsWith('.ts') ? 'ts' : 'js',
      format: 'cjs',
      target: 'node20',
      // import() becomes require(), as in the Lambda bundles (CJS): Jest's module registry has no ESM loader.
      supported: { 'dynamic-import': false },
      sourcemap: 'both',
      sourcefile: sourcePath,
    });
    return { code, map };
  },
};
