import { PostgresDatabase, ServiceDatabaseCredentials } from "@platform/database";
import type { AwsEnvironmentConfig } from "@platform/env-config";
import { serviceDatabaseRoles } from "@platform/toolchain";
import type { Construct } from "constructs";
import { AwsLayerStack, type AwsLayerStackProps } from "./aws-layer-stack";
import { type DatabaseOutputs, databaseCredentialOutputName, networkPlaceholders } from "./stack-outputs";

export interface DatabaseStackProps extends Omit<AwsLayerStackProps, "region"> {
  readonly config: AwsEnvironmentConfig;
  /** The environment's database settings (the stack exists only where the config has them). */
  readonly database: NonNullable<AwsEnvironmentConfig["database"]>;
  /** State key of `network-<env>`. */
  readonly networkStateKey: string;
  /** Services that own a schema here (`database: true`, no `databaseOf`): each gets its two logins. */
  readonly owners: readonly string[];
}

/**
 * `database-<env>`: RDS PostgreSQL in the network's private subnets, and per owning service the
 * Secrets Manager logins of its migrator and app roles (the service's migrate step creates the roles).
 * Admits nobody by itself: the service stack adds the ingress rules for its task and migration
 * security groups, so this layer does not depend on the one above it.
 */
export class DatabaseStack extends AwsLayerStack {
  public readonly database: PostgresDatabase;
  /** Per owning service, its logins. */
  public readonly credentials: ReadonlyMap<string, ServiceDatabaseCredentials>;

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
      engineVersion: db.engineVersion,
      allocatedStorageGiB: db.allocatedStorageGiB,
      multiAz: db.multiAz,
      deletionProtection: db.deletionProtection,
      backupRetentionDays: db.backupRetentionDays,
      skipFinalSnapshot: db.skipFinalSnapshot,
    });
    const credentials = new Map<string, ServiceDatabaseCredentials>();
    for (const owner of props.owners) {
      const roles = serviceDatabaseRoles(owner);
      const login = new ServiceDatabaseCredentials(this, `credentials-${owner}`, {
        namePrefix: `${config.name}/${owner}/db`,
        migratorUsername: roles.migratorRole,
        appUsername: roles.appRole,
        // A protected database keeps deleted logins recoverable; a throw-away one can be recreated at once.
        recoveryWindowDays: db.deletionProtection ? 30 : 0,
      });
      credentials.set(owner, login);
      this.exportOutputs({
        [databaseCredentialOutputName(owner, "db_app_secret_arn")]: login.appSecretArn,
        [databaseCredentialOutputName(owner, "db_migrator_secret_arn")]: login.migratorSecretArn,
      });
    }
    this.credentials = credentials;
    this.exportOutputs<DatabaseOutputs>({
      db_endpoint: this.database.endpoint,
      db_port: this.database.port,
      db_name: this.database.databaseName,
      db_secret_arn: this.database.masterUserSecretArn,
      db_security_group_id: this.database.securityGroupId,
    });
  }
}
