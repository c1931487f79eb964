// Toolchain checks run real tools (terraform, docker builds, concurrent applies): allow minutes.
module.exports = { ...require("../../jest.preset.js")(__dirname), testTimeout: 600_000 };
