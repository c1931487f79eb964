import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UnknownServiceError } from "./services";
import { readSynthesizedEnvironment, serviceOfStack, servicesOf } from "./synthesized-environment";

describe("readSynthesizedEnvironment", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ops-synth-"));
    const stack = (name: string, json: object, dependencies?: string[]) => {
      mkdirSync(join(dir, "stacks", name), { recursive: true });
      writeFileSync(join(dir, "stacks", name, "cdk.tf.json"), JSON.stringify(json));
      return {
        name,
        synthesizedStackPath: `stacks/${name}/cdk.tf.json`,
        workingDirectory: `stacks/${name}`,
        ...(dependencies ? { dependencies } : {}),
      };
    };
    const s3 = (key: string) => ({
      terraform: { backend: { s3: { bucket: "tfstate", key, region: "eu-west-1" } } },
    });
    const provider = { aws: [{ region: "us-east-2" }, { region: "eu-west-1", alias: "state_reader" }] };
    const manifest = {
      stacks: {
        bootstrap: stack("bootstrap", { terraform: { backend: { local: { path: "x" } } } }),
        registry: stack("registry", s3("shared/registry.tfstate")),
        "service-sample-service-dev": stack(
          "service-sample-service-dev",
          { ...s3("dev/service-sample-service.tfstate"), provider },
          ["registry", "platform-dev"],
        ),
        "service-post-worker-dev": stack(
          "service-post-worker-dev",
          { ...s3("dev/service-post-worker.tfstate"), provider },
          ["registry", "platform-dev"],
        ),
        "platform-dev": stack("platform-dev", s3("dev/platform.tfstate"), ["network-dev"]),
        "network-dev": stack("network-dev", s3("dev/network.tfstate")),
      },
    };
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads every S3 backend in dependency order, every service stack and their (unaliased) provider region", () => {
    const env = readSynthesizedEnvironment(dir, "dev");
    expect(env.region).toBe("us-east-2");
    expect(env.services).toEqual([
      { name: "post-worker", stack: "service-post-worker-dev" },
      { name: "sample-service", stack: "service-sample-service-dev" },
    ]);
    expect(env.stateObjects.map((o) => `${o.stack}=s3://${o.bucket}/${o.key}`)).toEqual([
      "network-dev=s3://tfstate/dev/network.tfstate",
      "platform-dev=s3://tfstate/dev/platform.tfstate",
      "registry=s3://tfstate/shared/registry.tfstate",
      "service-post-worker-dev=s3://tfstate/dev/service-post-worker.tfstate",
      "service-sample-service-dev=s3://tfstate/dev/service-sample-service.tfstate",
    ]);
  });
  it("narrows to one service, refusing an unknown one by name with the services there are", () => {
    const env = readSynthesizedEnvironment(dir, "dev");
    expect(servicesOf(env, "post-worker")).toEqual([
      { name: "post-worker", stack: "service-post-worker-dev" },
    ]);
    expect(servicesOf(env)).toHaveLength(2);
    expect(() => servicesOf(env, "orders")).toThrow(UnknownServiceError);
    expect(() => servicesOf(env, "orders")).toThrow(
      '--service "orders" is not a service of dev; services: post-worker, sample-service',
    );
  });
  it("tells how to synthesize when nothing is there", () => {
    expect(() => readSynthesizedEnvironment(join(dir, "nope"), "staging")).toThrow(
      /npx nx run stacks:synth -c staging/,
    );
  });
});

describe("serviceOfStack", () => {
  it("reads the service from service-<name>-<env> only", () => {
    expect(serviceOfStack("service-post-worker-dev", "dev")).toBe("post-worker");
    expect(serviceOfStack("service-post-worker-dev", "prod")).toBeUndefined();
    expect(serviceOfStack("service-dev", "dev")).toBeUndefined();
    expect(serviceOfStack("platform-dev", "dev")).toBeUndefined();
  });
});
