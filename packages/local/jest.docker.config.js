const preset = require("../../jest.preset.js")(__dirname);

// The constructs applied on the real Docker engine (needs `npx nx run toolchain:ensure`).
module.exports = { ...preset, testMatch: ["<rootDir>/test/docker/**/*.test.ts"] };
