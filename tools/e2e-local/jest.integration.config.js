// The end-to-end test (nx run e2e-local:integration); not part of `test`. One deploy at a time: the local
// environment is one set of names and one port on the engine.
const base = require("../../jest.preset.js")(__dirname);

module.exports = { ...base, testMatch: ["<rootDir>/test/**/*.test.ts"], testTimeout: 20 * 60 * 1000 };
