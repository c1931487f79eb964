import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readSynthesizedEnvironment } from "./synthesized-environment";

describe("readSynthesizedEnvironment", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ops-synth-"));
    const stack = (name: string, json: object) => {
      mkdirSync(join(dir, "stacks", name), { recursive: true });
      writeFileSync(join(dir, "stacks", name, "cdk.tf.json"), JSON.stringify(json));
      return { name, synthesizedStackPath: `stacks/${name}/cdk.tf.json`, workingDirectory: `stacks/${name}` };
    };
    const s3 = (key: string) => ({
      terraform: { backend: { s3: { bucket: "tfstate", key, region: "eu-west-1" } } },
    });
    const manifest = {
      stacks: {
        bootstrap: stack("bootstrap", { terraform: { backend: { local: { path: "x" } } } }),
        registry: stack("registry", s3("shared/registry.tfstate")),
        "service-dev": {
          ...stack("service-dev", {
            ...s3("dev/service.tfstate"),
            provider: { aws: [{ region: "us-east-2" }, { region: "eu-west-1", alias: "state_reader" }] },
          }),
          dependencies: ["registry", "network-dev"],
        },
        "network-dev": stack("network-dev", s3("dev/network.tfstate")),
      },
    };
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads every S3 backend and the service stack's (unaliased) provider region", () => {
    const env = readSynthesizedEnvironment(dir, "dev");
    expect(env.region).toBe("us-east-2");
    expect(env.serviceStack).toBe("service-dev");
    expect(env.stateObjects.map((o) => `${o.stack}=s3://${o.bucket}/${o.key}`)).toEqual([
      "network-dev=s3://tfstate/dev/network.tfstate",
      "registry=s3://tfstate/shared/registry.tfstate",
      "service-dev=s3://tfstate/dev/service.tfstate",
    ]);
  });
  it("tells how to synthesize when nothing is there", () => {
    expect(() => readSynthesizedEnvironment(join(dir, "nope"), "staging")).toThrow(
      /npx nx run stacks:synth -c staging/,
    );
  });
});
