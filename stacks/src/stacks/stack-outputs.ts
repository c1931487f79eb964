/**
 * The outputs each layer exports and its readers consume, with the placeholders a reader uses while the
 * upstream stack has not been applied. One place, so producer and consumer cannot drift apart.
 */
export type OutputValues = Record<string, string | number | string[]>;

/** Account id inside placeholder ARNs: clearly fake, and Terraform's ARN validators accept it. */
const PLACEHOLDER_ACCOUNT = "000000000000";

export interface RegistryOutputs extends OutputValues {
  repository_url: string;
  repository_arn: string;
  repository_name: string;
}

export function registryPlaceholders(region: string, repositoryName: string): RegistryOutputs {
  return {
    repository_url: `${PLACEHOLDER_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${repositoryName}`,
    repository_arn: `arn:aws:ecr:${region}:${PLACEHOLDER_ACCOUNT}:repository/${repositoryName}`,
    repository_name: repositoryName,
  };
}

export interface NetworkOutputs extends OutputValues {
  vpc_id: string;
  vpc_cidr: string;
  public_subnet_ids: string[];
  private_subnet_ids: string[];
  availability_zones: string[];
}

export function networkPlaceholders(vpcCidr: string, azCount: number): NetworkOutputs {
  const ids = (prefix: string) => Array.from({ length: azCount }, (_, i) => `${prefix}-placeholder${i}`);
  return {
    vpc_id: "vpc-placeholder",
    vpc_cidr: vpcCidr,
    public_subnet_ids: ids("subnet-public"),
    private_subnet_ids: ids("subnet-private"),
    availability_zones: Array.from({ length: azCount }, (_, i) => `placeholder-az${i}`),
  };
}

export interface DatabaseOutputs extends OutputValues {
  db_endpoint: string;
  db_port: number;
  db_name: string;
  db_secret_arn: string;
  db_security_group_id: string;
}

export function databasePlaceholders(region: string): DatabaseOutputs {
  return {
    db_endpoint: "placeholder.invalid",
    db_port: 5432,
    db_name: "app",
    db_secret_arn: `arn:aws:secretsmanager:${region}:${PLACEHOLDER_ACCOUNT}:secret:placeholder-AbCdEf`,
    db_security_group_id: "sg-00000000",
  };
}

/** What the service layer exports: the URL, and everything the migrate step needs for RunTask. */
export interface ServiceOutputs extends OutputValues {
  service_url: string;
  cluster_arn: string;
  cluster_name: string;
  service_name: string;
  container_name: string;
  image: string;
  task_definition_arn: string;
  migration_task_family: string;
  migration_task_definition_arn: string;
  migration_container_name: string;
  migration_subnet_ids: string[];
  migration_security_group_ids: string[];
  log_group_name: string;
}
