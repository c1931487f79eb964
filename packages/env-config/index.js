// The package's entry (package.json "main"). Under a TypeScript loader (Nx loading the plugin's executors,
// `node -r @swc-node/register` running the ops CLI from source) it loads src/, so those callers need no
// build of this package and never run a stale one; plain Node loads the build in dist/.
module.exports = require.extensions[".ts"] ? require("./src/index.ts") : require("./dist/index.js");
