import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { App, TerraformStack, Testing } from "cdktf";
import { DOCKER_PROVIDER_BOUND_VERSION, pinDockerProviderVersion } from "./docker-provider-version";

function requiredDocker(version?: string): unknown {
  const stack = new TerraformStack(new App(), "s");
  new DockerProvider(stack, "docker", {});
  if (version !== undefined) pinDockerProviderVersion(stack, version);
  return JSON.parse(Testing.synth(stack)).terraform.required_providers.docker;
}

describe("pinDockerProviderVersion", () => {
  it("leaves the bound version alone", () => {
    expect(requiredDocker()).toEqual({
      source: "kreuzwerker/docker",
      version: DOCKER_PROVIDER_BOUND_VERSION,
    });
    expect(requiredDocker("3.6.2")).toEqual({ source: "kreuzwerker/docker", version: "3.6.2" });
  });

  it("requires the version the mirror holds", () => {
    expect(requiredDocker("4.6.0")).toEqual({ source: "kreuzwerker/docker", version: "4.6.0" });
  });

  it("rejects a version that is not major.minor.patch", () => {
    expect(() => requiredDocker("~> 3.6")).toThrow(/^version must be a provider version/);
  });
});
