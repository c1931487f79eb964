const preset = require("../../jest.preset.js")(__dirname);

module.exports = {
  ...preset,
  // The proxy's test sits beside proxy.js (outside src/: the proxy ships as one plain JS file).
  testMatch: [...preset.testMatch, "<rootDir>/proxy/**/*.test.ts"],
  // Tests against the real Docker engine run in the `integration` target (jest.docker.config.js).
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/docker/"],
};
