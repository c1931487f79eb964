import { CreateRepositoryCommand, ECRClient, PutImageCommand } from "@aws-sdk/client-ecr";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { REGION, STATIC } from "./toolchain";

export function clients(endpoint: string) {
  const cfg = { region: REGION, endpoint, credentials: STATIC };
  return { ecs: new ECSClient(cfg), ecr: new ECRClient(cfg) };
}

export async function createRepository(ecr: ECRClient, name: string): Promise<string> {
  const r = await ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
  return r.repository?.repositoryUri as string;
}

/** Records a manifest in the emulated ECR under its real digest (what the push step mirrors). */
export async function putEcrImage(
  ecr: ECRClient,
  repo: string,
  digest: string,
  manifest: string,
  tag: string,
): Promise<void> {
  await ecr.send(
    new PutImageCommand({
      repositoryName: repo,
      imageManifest: manifest,
      imageDigest: digest,
      imageTag: tag,
      imageManifestMediaType: "application/vnd.docker.distribution.manifest.v2+json",
    }),
  );
}

export async function registerTaskDefinition(ecs: ECSClient, family: string, image: string): Promise<string> {
  const td = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "256",
      memory: "512",
      containerDefinitions: [
        {
          name: "app",
          image,
          memory: 512,
          essential: true,
          portMappings: [{ containerPort: 3000 }],
          environment: [{ name: "LOG_LEVEL", value: "info" }],
        },
      ],
    }),
  );
  return td.taskDefinition?.taskDefinitionArn as string;
}

/**
 * An ECS service `name` running `image` in cluster `cluster` (created when missing; by default named
 * like the service, the environment shares one cluster otherwise); returns the task definition ARN.
 */
export async function createService(
  ecs: ECSClient,
  name: string,
  image: string,
  desiredCount = 1,
  cluster = name,
): Promise<string> {
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const td = await registerTaskDefinition(ecs, name, image);
  await ecs.send(
    new CreateServiceCommand({
      cluster,
      serviceName: name,
      taskDefinition: td,
      desiredCount,
      launchType: "FARGATE",
    }),
  );
  return td;
}

/** Rolls the service onto a new task definition revision running `image`. */
export async function deployImage(
  ecs: ECSClient,
  name: string,
  image: string,
  cluster = name,
): Promise<string> {
  const td = await registerTaskDefinition(ecs, name, image);
  await ecs.send(new UpdateServiceCommand({ cluster, service: name, taskDefinition: td }));
  return td;
}
