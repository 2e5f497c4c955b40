/** Jest runs TypeScript through SWC (type-checking is `npm run typecheck`). */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  modulePathIgnorePatterns: ['<rootDir>/build/', '<rootDir>/lib/', '<rootDir>/cdktf.out/'],
  testTimeout: 120000,
  // Policy-fixture and packaging tests run real checkov / npm; two cores, so keep workers low.
  maxWorkers: 2,
};
