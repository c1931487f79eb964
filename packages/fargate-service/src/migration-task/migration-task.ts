import type { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Construct } from "constructs";
import { addTaskEgress } from "../egress/egress";
import { type CpuArchitecture, createFargateTaskDefinition } from "../task-definition/task-definition";

/** The migrate entry point of the sample service's image. */
export const DEFAULT_MIGRATION_COMMAND: readonly string[] = ["node", "dist/migrate.js"];

export interface MigrationTaskProps {
  /** Service name; the family is `<name>-migrate`, the security group `<name>-migrate`. */
  readonly name: string;
  readonly vpcId: string;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly cpuArchitecture: CpuArchitecture;
  readonly executionRoleArn: string;
  readonly taskRoleArn: string;
  /** Rendered container definitions (same image, env and secrets as the service; command overridden). */
  readonly containerDefinitions: string;
  readonly containerName: string;
  readonly tmpVolumeName?: string;
  /** All outbound traffic when true; HTTPS (443) only when false. */
  readonly allowAllOutbound: boolean;
  readonly tags?: Record<string, string>;
}

/**
 * A one-off task family for database migrations, run with RunTask before traffic moves. It has its
 * own security group (no ingress): pass it to the database's `allowFrom` next to the service's.
 */
export class MigrationTask extends Construct {
  public readonly taskDefinition: EcsTaskDefinition;
  public readonly securityGroup: SecurityGroup;
  /** Task definition family, `<name>-migrate`; RunTask with the family runs its latest revision. */
  public readonly family: string;
  public readonly containerName: string;

  constructor(scope: Construct, id: string, props: MigrationTaskProps) {
    super(scope, id);
    this.family = `${props.name}-migrate`;
    this.containerName = props.containerName;
    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: `${props.name}-migrate`,
      description: `Migration task of ${props.name}: no ingress`,
      vpcId: props.vpcId,
      tags: props.tags,
    });
    addTaskEgress(this, this.securityGroup.id, props.allowAllOutbound);
    this.taskDefinition = createFargateTaskDefinition(this, "task-definition", {
      family: this.family,
      cpu: props.cpu,
      memoryMiB: props.memoryMiB,
      cpuArchitecture: props.cpuArchitecture,
      executionRoleArn: props.executionRoleArn,
      taskRoleArn: props.taskRoleArn,
      containerDefinitions: props.containerDefinitions,
      tmpVolumeName: props.tmpVolumeName,
      tags: props.tags,
    });
  }
}
