// Lint: typescript-eslint's type-aware recommended rules over all TypeScript, zero warnings allowed
// (`npm run lint`, also part of `npm test`). Layer boundaries are checked by dependency-cruiser
// (.dependency-cruiser.cjs), not here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.local/', 'coverage/', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    // Small functions with one job, counted in Prettier's lines (tests excluded: a describe block is long by nature).
    files: ['bin/**/*.ts', 'lib/**/*.ts', 'lambda/**/*.ts', 'bench/**/*.ts', 'fixtures/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 100, skipBlankLines: true, skipComments: true }] },
  },
  {
    // Tests parse response bodies and templates (JSON.parse → any) and state their shape with Jest
    // matchers; typing every body first would only repeat the assertion. Product code stays strict.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
);
