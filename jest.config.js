/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // ts-jest transpiles only; `tsc --noEmit` in `npm test` does the type checking.
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
  },
  // @middy/* ships ESM; let ts-jest turn it into CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  setupFiles: ['<rootDir>/test/support/jest-env.ts'],
  setupFilesAfterEnv: ['aws-sdk-client-mock-jest'],
  testTimeout: 30000,
};
