import { PostgresDatabase } from "@platform/database";
import type { AwsEnvironmentConfig } from "@platform/env-config";
import type { Construct } from "constructs";
import { AwsLayerStack, type AwsLayerStackProps } from "./aws-layer-stack";
import { type DatabaseOutputs, networkPlaceholders } from "./stack-outputs";

export interface DatabaseStackProps extends Omit<AwsLayerStackProps, "region"> {
  readonly config: AwsEnvironmentConfig;
  /** The environment's database settings (the stack exists only where the config has them). */
  readonly database: NonNullable<AwsEnvironmentConfig["database"]>;
  /** State key of `network-<env>`. */
  readonly networkStateKey: string;
}

/**
 * `database-<env>`: RDS PostgreSQL in the network's private subnets. Admits nobody by itself: the
 * service stack adds the ingress rules for its task and migration security groups, so this layer
 * does not depend on the one above it.
 */
export class DatabaseStack extends AwsLayerStack {
  public readonly database: PostgresDatabase;

  constructor(scope: Construct, id: string, props: DatabaseStackProps) {
    super(scope, id, { ...props, region: props.config.region });
    const { config, database: db } = props;
    const network = this.readUpstream(
      "network",
      props.networkStateKey,
      networkPlaceholders(config.network.vpcCidr, config.network.azCount),
    );
    this.database = new PostgresDatabase(this, "database", {
      identifier: `${config.name}-app`,
      network: { vpcId: network.vpc_id, privateSubnetIds: network.private_subnet_ids },
      instanceClass: db.instanceClass,
      allocatedStorageGiB: db.allocatedStorageGiB,
      multiAz: db.multiAz,
      deletionProtection: db.deletionProtection,
      backupRetentionDays: db.backupRetentionDays,
      skipFinalSnapshot: db.skipFinalSnapshot,
    });
    this.exportOutputs<DatabaseOutputs>({
      db_endpoint: this.database.endpoint,
      db_port: this.database.port,
      db_name: this.database.databaseName,
      db_secret_arn: this.database.masterUserSecretArn,
      db_security_group_id: this.database.securityGroupId,
    });
  }
}
