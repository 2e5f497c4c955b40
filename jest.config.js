/** Jest runs TypeScript through SWC (type-checking is `npm run typecheck`). */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/cdktn/ runs under the CDK Terrain build's config (builds/cdktn/jest.config.js, `npm run test:cdktn`).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cdktn/'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  modulePathIgnorePatterns: ['<rootDir>/build/', '<rootDir>/lib/', '<rootDir>/cdktf.out/'],
  testTimeout: 120000,
  // Policy-fixture and packaging tests run real checkov / npm; two cores, so keep workers low.
  maxWorkers: 2,
};
