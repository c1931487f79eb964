import { Testing } from "cdktf";
import { LocalNetwork, type LocalNetworkProps } from "./local-network";

type Resource = Record<string, unknown>;

function synthNetwork(props: LocalNetworkProps): { resource: Resource; construct: LocalNetwork } {
  let construct: LocalNetwork | undefined;
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      construct = new LocalNetwork(scope, "net", props);
    }),
  ) as { resource: { docker_network: Record<string, Resource> } };
  return { resource: Object.values(json.resource.docker_network)[0], construct: construct! };
}

describe("LocalNetwork", () => {
  it("is a non-internal user-defined bridge network (embedded DNS) by default", () => {
    const { resource, construct } = synthNetwork({ name: "platform-local" });
    expect(resource).toMatchObject({ name: "platform-local", driver: "bridge", internal: false });
    expect(resource.labels).toEqual(
      expect.arrayContaining([
        { label: "platform.managed-by", value: "cdktf" },
        { label: "platform.component", value: "network" },
      ]),
    );
    expect(construct.internal).toBe(false);
    expect(construct.networkName).toMatch(/^\$\{TfToken/);
  });

  it("can be internal", () => {
    const { resource, construct } = synthNetwork({ name: "platform-local", internal: true });
    expect(resource.internal).toBe(true);
    expect(construct.internal).toBe(true);
  });

  it("carries extra labels", () => {
    const { resource } = synthNetwork({ name: "n", labels: { team: "platform" } });
    expect(resource.labels).toEqual(expect.arrayContaining([{ label: "team", value: "platform" }]));
  });

  it("rejects an invalid name", () => {
    expect(() => synthNetwork({ name: "-bad name" })).toThrow(/^name must match/);
  });

  it("rejects a reserved label key", () => {
    expect(() => synthNetwork({ name: "n", labels: { "platform.component": "x" } })).toThrow(
      /labels key "platform.component"/,
    );
  });
});
