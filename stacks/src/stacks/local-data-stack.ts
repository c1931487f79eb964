import * as path from "node:path";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import type { LocalEnvironmentConfig } from "@platform/env-config";
import { LocalVolume, pinDockerProviderVersion } from "@platform/local";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";

/** Terraform variable (and `TF_VAR_` suffix) carrying the local PostgreSQL password. */
export const LOCAL_DB_PASSWORD_VARIABLE = "postgres_password";

/** The Docker volume holding a local environment's PostgreSQL data (also the key of its password). */
export function localDataVolumeName(env: string): string {
  return `${env}-pgdata`;
}

/** Where the local environment keeps its state and generated secrets (git-ignored). */
export function localEnvironmentDir(localStateDir: string, env: string): string {
  return path.join(localStateDir, env);
}

export interface LocalDataStackProps {
  readonly config: LocalEnvironmentConfig;
  readonly localStateDir: string;
  /**
   * kreuzwerker/docker version the toolchain's mirror holds (`PLATFORM_DOCKER_PROVIDER_VERSION`).
   * @default the version @cdktf/provider-docker binds (3.6.2)
   */
  readonly dockerProviderVersion?: string;
  /**
   * Let destroy delete the data volume (only for `destroy --include-data`).
   * @default false
   */
  readonly allowDataDestroy?: boolean;
}

/**
 * `<env>-data`: the database volume alone, so destroying the environment's containers never deletes
 * the data; the volume goes only with an explicit flag (which flips `prevent_destroy`).
 */
export class LocalDataStack extends TerraformStack {
  public readonly volume: LocalVolume;

  constructor(scope: Construct, id: string, props: LocalDataStackProps) {
    super(scope, id);
    new DockerProvider(this, "docker", {});
    if (props.dockerProviderVersion) pinDockerProviderVersion(this, props.dockerProviderVersion);
    new LocalBackend(this, {
      path: path.join(localEnvironmentDir(props.localStateDir, props.config.name), `${id}.tfstate`),
    });
    this.volume = new LocalVolume(this, "pgdata", {
      name: localDataVolumeName(props.config.name),
      preventDestroy: !props.allowDataDestroy,
      labels: props.config.tags,
    });
    new TerraformOutput(this, "volume_name", { value: this.volume.volumeName });
  }
}
