export {
  type ConnectionSettings,
  createDatabase,
  findPostgresBinDir,
  freePort,
  PostgresCluster,
} from "./postgres-cluster";
export {
  AWS_PROVIDER_VERSION,
  type FindTerraformCliOptions,
  findTerraformCli,
  parseEnvFile,
  type TerraformCli,
  type TerraformValidateResult,
  type ValidateWithTerraformOptions,
  validateWithTerraform,
  writeMirrorCliConfig,
} from "./terraform-validate";
