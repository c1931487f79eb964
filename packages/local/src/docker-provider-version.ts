import type { TerraformStack } from "cdktf";

/** The kreuzwerker/docker version `@cdktf/provider-docker@12.0.3` writes into `required_providers`. */
export const DOCKER_PROVIDER_BOUND_VERSION = "3.6.2";

/**
 * Makes a stack require `version` of kreuzwerker/docker instead of the bound 3.6.2. The toolchain
 * builds 3.6.2 from the Go module proxy when it serves that commit and a later release otherwise,
 * and says which in `PLATFORM_DOCKER_PROVIDER_VERSION` (toolchain.env); Terraform's `init` only
 * finds the version the mirror holds. The resources used here have the same schema in both
 * (checked by `terraform validate` in this package's tests).
 * @param version `major.minor.patch`
 */
export function pinDockerProviderVersion(stack: TerraformStack, version: string): void {
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    throw new Error(`version must be a provider version like "3.6.2"; got "${version}"`);
  }
  if (version !== DOCKER_PROVIDER_BOUND_VERSION) {
    stack.addOverride("terraform.required_providers.docker.version", version);
  }
}
