const preset = require("../../jest.preset.js")(__dirname);

// The proxy's test sits beside proxy.js (outside src/: the proxy ships as one plain JS file).
module.exports = { ...preset, testMatch: [...preset.testMatch, "<rootDir>/proxy/**/*.test.ts"] };
