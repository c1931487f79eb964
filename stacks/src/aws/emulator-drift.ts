import { type IAspect, TerraformResource } from "cdktf";
import type { IConstruct } from "constructs";

/**
 * Attributes moto 5.2 does not store or reports back differently, per resource type. Against the
 * emulator they would show as changes on every plan after apply, so there (and only there) they are
 * added to `lifecycle.ignore_changes`; real AWS keeps full drift detection.
 * - aws_ecs_service: `availability_zone_rebalancing` is never returned (the construct already ignores
 *   it); `enable_ecs_managed_tags` and `health_check_grace_period_seconds` come back as false / 0;
 *   `alarms` (the deployment configuration's alarms) and `enable_execute_command` (ECS Exec) are not
 *   stored.
 * - aws_appautoscaling_target: moto has no tagging API for it (the toolchain's launcher stubs
 *   ListTagsForResource with no tags), so the provider's default tags always look missing.
 * - aws_db_parameter_group: DescribeDBParameters does not return user-set parameters.
 * - aws_vpc_security_group_{ingress,egress}_rule: the rule description is dropped and the referenced
 *   group comes back as `<account>/<sg-id>`.
 */
export const EMULATOR_IGNORED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_ecs_service: [
    "availability_zone_rebalancing",
    "enable_ecs_managed_tags",
    "health_check_grace_period_seconds",
    "alarms",
    "enable_execute_command",
  ],
  aws_appautoscaling_target: ["tags", "tags_all"],
  aws_db_parameter_group: ["parameter"],
  aws_vpc_security_group_ingress_rule: ["description", "referenced_security_group_id"],
  aws_vpc_security_group_egress_rule: ["description", "referenced_security_group_id"],
};

/** Adds {@link EMULATOR_IGNORED_ATTRIBUTES} to each matching resource's `ignore_changes`. */
export class EmulatorDriftAspect implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource)) return;
    const ignored = EMULATOR_IGNORED_ATTRIBUTES[node.terraformResourceType];
    if (!ignored) return;
    const current = node.lifecycle?.ignoreChanges;
    if (current === "all") return;
    const merged = [...new Set([...((current as string[] | undefined) ?? []), ...ignored])];
    node.lifecycle = { ...node.lifecycle, ignoreChanges: merged };
  }
}
