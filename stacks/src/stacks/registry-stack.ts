import type { SharedConfig } from "@platform/env-config";
import { ContainerRegistry } from "@platform/registry";
import type { Construct } from "constructs";
import { AwsLayerStack, type AwsLayerStackProps } from "./aws-layer-stack";
import type { RegistryOutputs } from "./stack-outputs";

export interface RegistryStackProps extends AwsLayerStackProps {
  readonly registry: SharedConfig["registry"];
}

/**
 * `registry`: the service's ECR repository, shared by all AWS environments (one image, promoted by
 * digest), with its own state key `shared/registry.tfstate`.
 */
export class RegistryStack extends AwsLayerStack {
  public readonly registry: ContainerRegistry;

  constructor(scope: Construct, id: string, props: RegistryStackProps) {
    super(scope, id, props);
    this.registry = new ContainerRegistry(this, "registry", {
      repositoryName: props.registry.repositoryName,
      maxTaggedImages: props.registry.keepTaggedImages,
      untaggedExpiryDays: props.registry.expireUntaggedAfterDays,
    });
    this.exportOutputs<RegistryOutputs>({
      repository_url: this.registry.repositoryUrl,
      repository_arn: this.registry.repositoryArn,
      repository_name: this.registry.repositoryName,
    });
  }
}
