// Unit tests only (src/); the end-to-end test in test/ runs with jest.integration.config.js.
const base = require("../../jest.preset.js")(__dirname);

module.exports = { ...base, testMatch: ["<rootDir>/src/**/*.test.ts"] };
