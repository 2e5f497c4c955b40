/**
 * `npm run test:cdktn`: the construct and stack tests, unchanged, against CDK Terrain. The same import
 * mapping as the build (tools/cdktn-build/import-mapping.ts), as module name mappings onto the pinned
 * toolchain and our provider bindings in builds/cdktn/.work/toolchain/node_modules (put there by `npm run build:cdktn`).
 */
const path = require('node:path');
const base = require('../../jest.config.js');

const modules = path.join(__dirname, '.work', 'toolchain', 'node_modules');
/** @type {import('jest').Config} */
module.exports = {
  ...base,
  rootDir: path.join(__dirname, '..', '..'),
  roots: ['<rootDir>/test/constructs', '<rootDir>/test/stacks', '<rootDir>/test/cdktn'],
  testPathIgnorePatterns: ['/node_modules/'],
  modulePathIgnorePatterns: [
    ...base.modulePathIgnorePatterns,
    '<rootDir>/builds/cdktn/.work/toolchain/package/',
    '<rootDir>/builds/cdktn/.work/toolchain/bindings/',
  ],
  moduleNameMapper: {
    '^cdktf$': path.join(modules, 'cdktn'),
    '^constructs$': path.join(modules, 'constructs'),
    '^@cdktf/provider-google/lib/(.*)$': path.join(modules, '@convai-platform/provider-google/lib/$1'),
    '^@cdktf/provider-kubernetes/lib/(.*)$': path.join(modules, '@convai-platform/provider-kubernetes/lib/$1'),
  },
};
