// Real PostgreSQL for every run: globalSetup starts a throwaway cluster (@platform/testing).
module.exports = {
  ...require("../../jest.preset.js")(__dirname),
  globalSetup: "<rootDir>/test/global-setup.ts",
  globalTeardown: "<rootDir>/test/global-teardown.ts",
  // Tests start processes and wait for real work; a hang still fails, just not at jest's 5 s.
  testTimeout: 60_000,
};
