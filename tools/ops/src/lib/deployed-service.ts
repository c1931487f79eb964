import {
  DescribeServicesCommand,
  type DescribeServicesCommandOutput,
  DescribeTaskDefinitionCommand,
  ECSClient,
} from "@aws-sdk/client-ecs";
import { awsClientConfig, errorMessage, errorName } from "./aws";
import { type ImageReference, parseImageReference } from "./image-reference";

/** Where an environment's ECS service is. */
export interface ServiceLocation {
  readonly region: string;
  /** Cluster name or ARN. */
  readonly cluster: string;
  /** Service name or ARN. */
  readonly service: string;
  /** The application container in the task definition. @default the first essential container */
  readonly containerName?: string;
  /** Where these facts came from (named in messages). */
  readonly source: string;
}

export interface DeploymentInfo {
  readonly id: string;
  /** PRIMARY (the one ECS converges to), ACTIVE (draining) or INACTIVE. */
  readonly status: string;
  readonly taskDefinitionArn: string;
  /** IN_PROGRESS, COMPLETED or FAILED (circuit breaker). */
  readonly rolloutState?: string;
  readonly rolloutStateReason?: string;
  readonly running: number;
  readonly desired: number;
  readonly pending: number;
  readonly failedTasks: number;
  readonly updatedAt?: string;
}

/** What an environment's ECS service runs, as ECS reports it. */
export interface DeployedService {
  readonly location: ServiceLocation;
  readonly serviceArn: string;
  readonly status: string;
  /** The service's current task definition: what it converges to (a circuit-breaker rollback resets it). */
  readonly taskDefinitionArn: string;
  readonly family: string;
  readonly revision: number;
  readonly containerName: string;
  /** The container's image as written in the task definition. */
  readonly imageUri: string;
  /** Parsed when the image is pinned by digest (it always is when deployed by this repository). */
  readonly image?: ImageReference;
  /** GIT_SHA from the container's environment or its OCI revision docker label, when the task definition says. */
  readonly gitSha?: string;
  readonly running: number;
  readonly desired: number;
  readonly pending: number;
  readonly deployments: readonly DeploymentInfo[];
  /** The PRIMARY deployment, when ECS reports one. */
  readonly primary?: DeploymentInfo;
}

/**
 * Describes the service and its current task definition. Returns undefined when the cluster or service
 * does not exist (an environment that was never applied); other failures throw.
 */
export async function describeDeployedService(
  location: ServiceLocation,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DeployedService | undefined> {
  const ecs = new ECSClient(awsClientConfig(location.region, env));
  try {
    let res: DescribeServicesCommandOutput;
    try {
      res = await ecs.send(
        new DescribeServicesCommand({ cluster: location.cluster, services: [location.service] }),
      );
    } catch (err) {
      if (errorName(err) === "ClusterNotFoundException") return undefined;
      throw err;
    }
    const svc = res.services?.[0];
    if (!svc || svc.status === "INACTIVE" || !svc.taskDefinition) return undefined;
    const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition })))
      .taskDefinition;
    if (!td) throw new Error(`DescribeTaskDefinition returned nothing for ${svc.taskDefinition}`);
    const containers = td.containerDefinitions ?? [];
    const container = location.containerName
      ? containers.find((c) => c.name === location.containerName)
      : (containers.find((c) => c.essential !== false) ?? containers[0]);
    if (!container?.image || !container.name) {
      throw new Error(
        `Task definition ${svc.taskDefinition} has no container ${location.containerName ? JSON.stringify(location.containerName) : "with an image"} (containers: ${containers.map((c) => c.name).join(", ") || "none"}).`,
      );
    }
    let image: ImageReference | undefined;
    try {
      image = parseImageReference(container.image, `the image of container ${container.name}`);
    } catch {
      image = undefined; // not pinned by digest: reported as such by the callers
    }
    const gitSha =
      container.environment?.find((e) => e.name === "GIT_SHA")?.value ??
      container.dockerLabels?.["org.opencontainers.image.revision"];
    const deployments: DeploymentInfo[] = (svc.deployments ?? []).map((d) => ({
      id: d.id ?? "",
      status: d.status ?? "",
      taskDefinitionArn: d.taskDefinition ?? "",
      rolloutState: d.rolloutState,
      rolloutStateReason: d.rolloutStateReason,
      running: d.runningCount ?? 0,
      desired: d.desiredCount ?? 0,
      pending: d.pendingCount ?? 0,
      failedTasks: d.failedTasks ?? 0,
      updatedAt: d.updatedAt?.toISOString(),
    }));
    return {
      location,
      serviceArn: svc.serviceArn ?? "",
      status: svc.status ?? "",
      taskDefinitionArn: svc.taskDefinition,
      family: td.family ?? "",
      revision: td.revision ?? 0,
      containerName: container.name,
      imageUri: container.image,
      image,
      gitSha: gitSha && gitSha !== "unknown" ? gitSha : undefined,
      running: svc.runningCount ?? 0,
      desired: svc.desiredCount ?? 0,
      pending: svc.pendingCount ?? 0,
      deployments,
      primary: deployments.find((d) => d.status === "PRIMARY"),
    };
  } catch (err) {
    throw new Error(
      `Reading ECS service ${location.service} in cluster ${location.cluster} (${location.region}, from ${location.source}) failed: ${errorMessage(err)}`,
    );
  } finally {
    ecs.destroy();
  }
}
