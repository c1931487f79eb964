import { Volume } from "@cdktf/provider-docker/lib/volume";
import { Construct } from "constructs";
import { managedLabels, requireDockerName, requireLabels } from "../validation";

/** What {@link LocalPostgres} needs from a volume: pass a {@link LocalVolume} or `{ volumeName }`. */
export interface LocalVolumeRef {
  /** Docker volume name. */
  readonly volumeName: string;
}

export interface LocalVolumeProps {
  /** Docker volume name (`[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}`); keep it stable: the data lives under this name. */
  readonly name: string;
  /**
   * Terraform `lifecycle.prevent_destroy`: a plan that would delete the volume fails instead.
   * Terraform has no per-run switch for this, so the volume belongs in its own stack that a normal
   * destroy leaves alone; the explicit "destroy the data too" path synthesizes it with `false`.
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * Extra labels on the volume.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A named Docker volume for data that must outlive containers (the local twin of RDS storage).
 * Put it in its own stack: `stacks:destroy -c local` then removes containers and network and keeps
 * the data, and only an explicit flag (which also flips `preventDestroy`) removes the volume.
 */
export class LocalVolume extends Construct implements LocalVolumeRef {
  /** The docker_volume resource. */
  public readonly volume: Volume;
  /** Docker volume name. */
  public readonly volumeName: string;

  constructor(scope: Construct, id: string, props: LocalVolumeProps) {
    super(scope, id);
    requireDockerName("name", props.name);
    const labels = requireLabels("labels", props.labels ?? {});

    this.volume = new Volume(this, "volume", {
      name: props.name,
      labels: managedLabels("data-volume", labels),
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });
    this.volumeName = this.volume.name;
  }
}
