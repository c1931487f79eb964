// The chain's records and readers, for scripts and tests outside the executors.
export type { BuiltImage, MigrationRecord, PushedImage } from "./lib/deploy-files";
export { readBuiltImage, readPushedImage } from "./lib/deploy-files";
export { StackOutputs } from "./lib/stack-outputs";
