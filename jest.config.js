/** Three tiers: unit (pure, next to the code), integration and e2e (real Kafka + FerretDB). */
const moduleNameMapper = {
  '^@app/(contracts|domain|matrix|kafka|mongo|read-models|platform|testing)$': '<rootDir>/libs/$1/src',
};
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] };
const base = { rootDir: __dirname, testEnvironment: 'node', setupFiles: ['reflect-metadata'], moduleNameMapper, transform, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'] },
    { ...base, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'], setupFilesAfterEnv: ['<rootDir>/test/helpers/jest-timeout.ts'] },
    { ...base, displayName: 'interop', testMatch: ['<rootDir>/test/interop/**/*.test.ts'], setupFilesAfterEnv: ['<rootDir>/test/helpers/jest-timeout.ts'] },
    { ...base, displayName: 'audit', testMatch: ['<rootDir>/test/audit/**/*.test.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'], setupFilesAfterEnv: ['<rootDir>/test/helpers/jest-timeout.ts'] },
  ],
};
