import { Network } from "@cdktf/provider-docker/lib/network";
import { Construct } from "constructs";
import { managedLabels, requireDockerName, requireLabels } from "../validation";

/** What other local constructs need from a network: pass a {@link LocalNetwork} or any object with these fields. */
export interface LocalNetworkRef {
  /** Docker network name containers attach to. */
  readonly networkName: string;
  /** Whether the network is internal (no route out, and Docker publishes no ports from it). */
  readonly internal: boolean;
}

export interface LocalNetworkProps {
  /** Docker network name (`[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}`). */
  readonly name: string;
  /**
   * Internal network: containers get no route off the host network. Docker does not publish ports
   * from an internal network, so the entry point ({@link LocalProxy}) refuses one.
   * @default false
   */
  readonly internal?: boolean;
  /**
   * Extra labels on the network.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A user-defined bridge network: the local twin of the VPC. Unlike the default bridge, a
 * user-defined network has Docker's embedded DNS, so containers find each other by name and
 * network alias (the proxy resolves all service replicas through one alias).
 */
export class LocalNetwork extends Construct implements LocalNetworkRef {
  /** The docker_network resource. */
  public readonly network: Network;
  /** Docker network name (also what `docker run --network` takes for the migration container). */
  public readonly networkName: string;
  public readonly internal: boolean;

  constructor(scope: Construct, id: string, props: LocalNetworkProps) {
    super(scope, id);
    requireDockerName("name", props.name);
    this.internal = props.internal ?? false;
    const labels = requireLabels("labels", props.labels ?? {});

    this.network = new Network(this, "network", {
      name: props.name,
      driver: "bridge",
      internal: this.internal,
      labels: managedLabels("network", labels),
    });
    this.networkName = this.network.name;
  }
}
