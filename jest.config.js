/** Tiers: unit (pure, next to the code), integration, e2e and interop (real Kafka + FerretDB), then audit and contract (read what those recorded). */
const moduleNameMapper = {
  '^@app/(contracts|domain|matrix|kafka|mongo|read-models|platform|testing)$': '<rootDir>/libs/$1/src',
};
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] };
// The tiers over HTTP: a 180 s timeout, and every answer recorded for the contract tier (CONTRACT_LOG).
const httpTierSetup = ['<rootDir>/test/helpers/jest-timeout.ts', '<rootDir>/test/helpers/flush-response-record.ts'];
const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  setupFiles: ['reflect-metadata'],
  moduleNameMapper,
  transform,
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'] },
    { ...base, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'], setupFilesAfterEnv: httpTierSetup },
    { ...base, displayName: 'interop', testMatch: ['<rootDir>/test/interop/**/*.test.ts'], setupFilesAfterEnv: httpTierSetup },
    { ...base, displayName: 'audit', testMatch: ['<rootDir>/test/audit/**/*.test.ts'] },
    { ...base, displayName: 'contract', testMatch: ['<rootDir>/test/contract/**/*.test.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'], setupFilesAfterEnv: httpTierSetup },
  ],
};
