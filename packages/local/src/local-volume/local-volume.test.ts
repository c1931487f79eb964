import { Testing } from "cdktf";
import { LocalVolume, type LocalVolumeProps } from "./local-volume";

type Resource = Record<string, unknown>;

function synthVolume(props: LocalVolumeProps): Resource {
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      new LocalVolume(scope, "data", props);
    }),
  ) as { resource: { docker_volume: Record<string, Resource> } };
  return Object.values(json.resource.docker_volume)[0];
}

describe("LocalVolume", () => {
  it("is a named volume that Terraform refuses to destroy by default", () => {
    const volume = synthVolume({ name: "platform-local-pgdata" });
    expect(volume.name).toBe("platform-local-pgdata");
    expect(volume.lifecycle).toEqual({ prevent_destroy: true });
    expect(volume.labels).toEqual(
      expect.arrayContaining([{ label: "platform.component", value: "data-volume" }]),
    );
  });

  it("can be made destroyable (the explicit destroy-the-data path)", () => {
    expect(synthVolume({ name: "v", preventDestroy: false }).lifecycle).toEqual({ prevent_destroy: false });
  });

  it("rejects an invalid name", () => {
    expect(() => synthVolume({ name: "pg/data" })).toThrow(/^name must match/);
  });

  it("rejects an invalid label key", () => {
    expect(() => synthVolume({ name: "v", labels: { "bad key": "x" } })).toThrow(/labels key "bad key"/);
  });
});
