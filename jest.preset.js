// Shared jest settings: @swc/jest compiles TypeScript ~10x faster than ts-jest for cdktf tests.
const path = require("node:path");

/** @param {string} projectDir */
module.exports = (projectDir) => ({
  rootDir: projectDir,
  testEnvironment: "node",
  testMatch: ["<rootDir>/src/**/*.test.ts", "<rootDir>/test/**/*.test.ts"],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      {
        jsc: { parser: { syntax: "typescript", decorators: true }, target: "es2022" },
        module: { type: "commonjs" },
      },
    ],
  },
  moduleNameMapper: {
    "^@platform/(ops|nx-plugin|toolchain)$": path.join(__dirname, "tools/$1/src/index.ts"),
    "^@platform/([a-z-]+)$": path.join(__dirname, "packages/$1/src/index.ts"),
  },
  modulePathIgnorePatterns: ["<rootDir>/dist", "<rootDir>/cdktf.out"],
});
