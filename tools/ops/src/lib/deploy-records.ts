// The record files' contract lives in @platform/toolchain (src/deploy-records.ts), shared with the deploy
// chain (tools/nx-plugin), so a promoted image.json deploys like a pushed one; ops' names stay importable here.
export type { ImageRecord, StoredMigrationRecord as MigrationRecord } from "@platform/toolchain";
export {
  deployDir,
  imageRecordFile,
  migrationRecordFile,
  readImageRecord,
  readMigrationRecord,
  writeJsonFile,
} from "@platform/toolchain";
