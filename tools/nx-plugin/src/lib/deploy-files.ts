// The record files' contract lives in @platform/toolchain (src/deploy-records.ts), shared with tools/ops
// (ops:promote writes the image.json that migrate and apply read); the chain's names stay importable here.
export type { BuiltImage, MigrationRecord, PushedImage, StoredMigrationRecord } from "@platform/toolchain";
export {
  readBuiltImage,
  readMigrationRecord,
  readPushedImage,
  writeJsonFile,
} from "@platform/toolchain";
