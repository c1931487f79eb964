// `nx run sample-service:integration`: the Docker image against the toolchain's engine and a
// throwaway PostgreSQL (same globalSetup as the unit/integration tests in test/).
const base = require("./jest.config.js");

module.exports = {
  ...base,
  testMatch: ["<rootDir>/integration/**/*.test.ts"],
  // docker build on the vfs storage driver copies whole layers: minutes, not seconds.
  testTimeout: 600_000,
};
