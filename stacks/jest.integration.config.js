// Integration tests against the toolchain's moto (nx run stacks:integration); not part of `test`.
const base = require("../jest.preset.js")(__dirname);

module.exports = { ...base, testMatch: ["<rootDir>/integration/**/*.test.ts"], testTimeout: 30 * 60 * 1000 };
