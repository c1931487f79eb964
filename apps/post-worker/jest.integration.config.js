// `nx run post-worker:integration`: the Docker image on the toolchain's engine against the same
// throwaway PostgreSQL (with sample-service's migrations) as the unit tests.
module.exports = {
  ...require("./jest.config.js"),
  testMatch: ["<rootDir>/integration/**/*.test.ts"],
  // docker build can take minutes on a cold engine.
  testTimeout: 600_000,
};
