import type { ServiceDefinition, SharedConfig } from "@platform/env-config";
import { ContainerRegistry } from "@platform/registry";
import type { Construct } from "constructs";
import { AwsLayerStack, type AwsLayerStackProps } from "./aws-layer-stack";
import { prefixRegistryOutputs } from "./stack-outputs";

export interface RegistryStackProps extends AwsLayerStackProps {
  readonly registry: SharedConfig["registry"];
  /** Every service of the repository: each gets its own repository. */
  readonly services: readonly Pick<ServiceDefinition, "name">[];
}

/** ECR repository name of a service: `<repositoryPrefix><service name>`. */
export function repositoryNameOf(registry: SharedConfig["registry"], service: string): string {
  return `${registry.repositoryPrefix}${service}`;
}

/**
 * `registry`: one ECR repository per service, shared by all AWS environments (an image is built once
 * and promoted by digest), with its own state key `shared/registry.tfstate`. Outputs are named per
 * service (`<service>_repository_url`, see `registryOutputName`).
 */
export class RegistryStack extends AwsLayerStack {
  /** The repository of each service, by service name. */
  public readonly registries: ReadonlyMap<string, ContainerRegistry>;

  constructor(scope: Construct, id: string, props: RegistryStackProps) {
    super(scope, id, props);
    const registries = new Map<string, ContainerRegistry>();
    for (const service of props.services) {
      const registry = new ContainerRegistry(this, `registry-${service.name}`, {
        repositoryName: repositoryNameOf(props.registry, service.name),
        maxTaggedImages: props.registry.keepTaggedImages,
        untaggedExpiryDays: props.registry.expireUntaggedAfterDays,
      });
      registries.set(service.name, registry);
      this.exportOutputs(
        prefixRegistryOutputs(service.name, {
          repository_url: registry.repositoryUrl,
          repository_arn: registry.repositoryArn,
          repository_name: registry.repositoryName,
        }),
      );
    }
    this.registries = registries;
  }
}
