import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { layerStackName, parseLayerMarker, readLayers } from "./layers";

const FILE = "stacks/layers/network/layer.json";
const valid = {
  name: "network",
  description: "VPC",
  packages: ["network"],
  after: [],
  stacks: { aws: "network-{env}" },
};
const parse = (value: unknown) => parseLayerMarker(FILE, JSON.stringify(value));

describe("parseLayerMarker", () => {
  it("reads a layer and resolves its stack per kind of environment", () => {
    const layer = parse({ ...valid, stacks: { aws: "network-{env}", local: "{env}-net" } });
    expect(layerStackName(layer, "aws", "staging")).toBe("network-staging");
    expect(layerStackName(layer, "local", "local")).toBe("local-net");
    expect(layerStackName(parse(valid), "local", "local")).toBeUndefined();
  });
  it("refuses a name that is not kebab-case", () => {
    expect(() => parse({ ...valid, name: "Net_Work" })).toThrow(/layer\.json: name must be kebab-case/);
  });
  it("refuses an unknown kind of environment, naming the allowed ones", () => {
    expect(() => parse({ ...valid, stacks: { gcp: "x" } })).toThrow(/stacks\.gcp .* allowed: aws, local/);
  });
  it("refuses packages that are not a list of names", () => {
    expect(() => parse({ ...valid, packages: "network" })).toThrow(/packages must be a list of names/);
  });
  it("refuses text that is not JSON, naming the file", () => {
    expect(() => parseLayerMarker(FILE, "{")).toThrow(
      /^stacks\/layers\/network\/layer\.json: not valid JSON/,
    );
  });
});

describe("readLayers", () => {
  let root: string;
  const write = (dir: string, value: unknown) => {
    mkdirSync(join(root, "stacks", "layers", dir), { recursive: true });
    writeFileSync(join(root, "stacks", "layers", dir, "layer.json"), JSON.stringify(value));
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "layers-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("reads every layer, sorted by name", () => {
    write("network", valid);
    write("database", { ...valid, name: "database", after: ["network"] });
    expect(readLayers(root).map((l) => l.name)).toEqual(["database", "network"]);
  });
  it("refuses a marker whose name is not its directory's", () => {
    write("net", valid);
    expect(() => readLayers(root)).toThrow(/name must be its directory's name "net"/);
  });
  it("refuses an `after` naming no layer", () => {
    write("database", { ...valid, name: "database", after: ["network"] });
    expect(() => readLayers(root)).toThrow(/after names unknown layer "network"; layers: database/);
  });
  it("reads the repository's own layers", () => {
    const names = readLayers(join(__dirname, "..", "..", "..")).map((l) => l.name);
    expect(names).toEqual(["database", "network", "platform", "registry"]);
  });
});
