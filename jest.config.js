/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/test/setup-env.js'],
  transform: {
    '\\.ts$': '<rootDir>/test/esbuild-transform.js',
    // ESM-only clients the e2e tests drive (openid-client 6 and what it imports): Jest has no ESM loader.
    '/node_modules/(openid-client|oauth4webapi|jose)/.+\\.js$': '<rootDir>/test/esbuild-transform.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!(openid-client|oauth4webapi|jose)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
};
