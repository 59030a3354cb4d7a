// One jest config: unit specs next to the code, *.int.spec.ts against real Postgres, test/ e2e specs through HTTP.
const fs = require('node:fs');
const swcrc = JSON.parse(fs.readFileSync(__dirname + '/.swcrc', 'utf8'));
const libs = ['domain', 'event-store', 'crypto', 'read-models', 'access', 'platform'];
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  moduleNameMapper: Object.fromEntries(
    libs.map((l) => [`^@ortholedger/${l}$`, `<rootDir>/libs/${l}/src`]),
  ),
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
