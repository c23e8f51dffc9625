/**
 * Two projects: `unit` (no process, no server — enforced by test/unit-guard.js) and `e2e` (test/e2e/
 * and every `*.int.test.ts`: the local system, the emulator, dynalite, bundling, child processes).
 * `npm test` runs both; `npm run test:unit` and `npm run test:e2e` one each.
 * @type {import('jest').Config}
 */
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  setupFiles: ['<rootDir>/test/setup-env.js'],
  transform: {
    '\\.ts$': '<rootDir>/test/esbuild-transform.js',
    // ESM-only clients the e2e tests drive (openid-client 6 and what it imports): Jest has no ESM loader.
    '/node_modules/(openid-client|oauth4webapi|jose)/.+\\.js$': '<rootDir>/test/esbuild-transform.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!(openid-client|oauth4webapi|jose)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
};
const e2e = ['<rootDir>/test/e2e/', '\\.int\\.test\\.ts$'];

module.exports = {
  testTimeout: 30000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...e2e],
      setupFilesAfterEnv: ['<rootDir>/test/unit-guard.js'],
    },
    { ...shared, displayName: 'e2e', testRegex: ['/test/e2e/.*\\.test\\.ts$', '\\.int\\.test\\.ts$'] },
  ],
};
