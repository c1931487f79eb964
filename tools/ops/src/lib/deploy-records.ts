// The record files' contract lives in @platform/toolchain (src/deploy-records.ts), shared with the deploy
// chain (tools/nx-plugin), so a promoted image.json deploys like a pushed one; ops' names stay importable here.
// Records are per service: dist/deploy/<env>/<service>/{image,migration}.json.
export type { ImageRecord, StoredMigrationRecord as MigrationRecord } from "@platform/toolchain";
export {
  deployDir,
  imageDigestVariable,
  imageRecordFile,
  migrationRecordFile,
  readImageRecord,
  readMigrationRecord,
  serviceDeployDir,
  serviceStackName,
  writeJsonFile,
} from "@platform/toolchain";
