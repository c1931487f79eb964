import { CHAIN_TARGETS, parseServiceMarker, serviceTargets } from "./service-targets";

const OPTIONS = { environments: ["local", "dev"], defaultEnvironment: "local" };

describe("serviceTargets", () => {
  const targets = serviceTargets("apps/orders", { name: "orders", type: "web", migrations: true }, OPTIONS);

  it("infers every chain target and the operations targets", () => {
    expect(Object.keys(targets).filter((t) => !["run-task", "rollback", "exec"].includes(t))).toEqual([
      ...CHAIN_TARGETS,
    ]);
    expect(targets["run-task"]).toMatchObject({
      executor: "@platform/nx-plugin:run-task",
      cache: false,
      defaultConfiguration: "local",
      configurations: { local: { environment: "local" }, dev: { environment: "dev" } },
    });
    expect(targets["run-task"].dependsOn).toBeUndefined();
  });

  it("infers rollback per environment with no dependsOn: it redeploys a recorded digest, builds nothing", () => {
    expect(targets.rollback).toMatchObject({
      executor: "@platform/nx-plugin:rollback",
      options: { service: "orders" },
      cache: false,
      defaultConfiguration: "local",
      configurations: { local: { environment: "local" }, dev: { environment: "dev" } },
    });
    expect(targets.rollback.dependsOn).toBeUndefined();
  });

  it("infers exec per environment with no dependsOn: it opens a session in what runs, builds nothing", () => {
    expect(targets.exec).toMatchObject({
      executor: "@platform/nx-plugin:exec",
      options: { service: "orders" },
      cache: false,
      defaultConfiguration: "local",
      configurations: { local: { environment: "local" }, dev: { environment: "dev" } },
    });
    expect(targets.exec.dependsOn).toBeUndefined();
    expect(targets.exec.metadata?.description).toMatch(/default `node`: the image has no shell/);
  });

  it("gives every target after dockerize one configuration per environment and the default", () => {
    for (const target of CHAIN_TARGETS.filter((t) => t !== "dockerize")) {
      expect(targets[target].configurations).toEqual({
        local: { environment: "local" },
        dev: { environment: "dev" },
      });
      expect(targets[target].defaultConfiguration).toBe("local");
    }
  });

  it("chains the steps in order: each depends on the one before", () => {
    expect(targets.push.dependsOn).toContain("dockerize");
    expect(targets.migrate.dependsOn).toEqual(["push"]);
    expect(targets.apply.dependsOn).toContain("migrate");
    expect(targets.smoke.dependsOn).toEqual(["apply"]);
    expect(targets.deploy.dependsOn).toEqual(["smoke"]);
  });

  it("builds the image from the service's own staged context and records it under its name", () => {
    expect(targets.dockerize.options.context).toBe("apps/orders/dist/image");
    expect(targets.dockerize.outputs).toEqual(["{workspaceRoot}/dist/docker/orders"]);
  });

  it("names the service in every step: its records, stack and outputs", () => {
    for (const target of CHAIN_TARGETS) expect(targets[target].options.service).toBe("orders");
    expect(targets.dockerize.options.dockerfile).toBe("apps/orders/Dockerfile");
    expect(targets.dockerize.options.versionFrom).toBe("apps/orders/package.json");
  });

  it("applies only the service's own stack", () => {
    expect(targets.apply.options.onlyServiceStack).toBe(true);
  });

  it("runs migrations only for a service that has them", () => {
    expect(targets.migrate.options.enabled).toBe(true);
    const worker = serviceTargets("apps/w", { name: "w", type: "worker", migrations: false }, OPTIONS);
    expect(worker.migrate.options.enabled).toBe(false);
  });

  it("caches nothing (the chain changes the world; Docker caches the image layers)", () => {
    for (const target of CHAIN_TARGETS) expect(targets[target].cache).toBe(false);
  });
});

describe("parseServiceMarker", () => {
  it("reads name, type and migrations", () => {
    expect(
      parseServiceMarker("apps/a/service.json", '{"name":"a","type":"worker","migrations":false,"x":1}'),
    ).toEqual({ name: "a", type: "worker", migrations: false });
  });

  it("refuses a missing migrations flag naming the field", () => {
    expect(() => parseServiceMarker("apps/a/service.json", '{"name":"a","type":"web"}')).toThrow(
      /apps\/a\/service\.json: migrations must be true or false/,
    );
  });

  it("refuses invalid JSON naming the file", () => {
    expect(() => parseServiceMarker("apps/a/service.json", "{")).toThrow(
      /apps\/a\/service\.json: not valid JSON/,
    );
  });

  it("refuses a missing name naming the field", () => {
    expect(() => parseServiceMarker("apps/a/service.json", '{"type":"web"}')).toThrow(
      /apps\/a\/service\.json: name must be a non-empty string/,
    );
  });

  it("refuses a missing type naming the field", () => {
    expect(() => parseServiceMarker("apps/a/service.json", '{"name":"a"}')).toThrow(
      /apps\/a\/service\.json: type must be a non-empty string/,
    );
  });
});
