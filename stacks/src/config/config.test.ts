import { parseEnvironmentConfig } from "@platform/env-config";
import { dev } from "./dev";
import { assertEnvironmentName, ENVIRONMENT_NAMES, loadEnvironmentConfig, loadSharedConfig } from "./index";
import { prod } from "./prod";

describe("environment configs", () => {
  it.each(ENVIRONMENT_NAMES)("%s is valid and named after its file", (name) => {
    expect(loadEnvironmentConfig(name).name).toBe(name);
  });

  it("the shared config is valid", () => {
    expect(loadSharedConfig().stateBucket).toBe("fargate-platform-tfstate");
  });

  it("rejects an unknown environment, listing the environments", () => {
    expect(() => assertEnvironmentName("qa", "--env")).toThrow(
      /--env: environment must be one of local, dev, staging, prod \(got "qa"\)/,
    );
  });

  it("an invalid value fails naming the file and the field", () => {
    const bad = { ...prod, network: { ...prod.network, azCount: 9 } };
    expect(() => parseEnvironmentConfig(bad, "stacks/src/config/prod.ts")).toThrow(
      /Invalid environment config in stacks\/src\/config\/prod\.ts:\n {2}- network\.azCount: must be an integer from 2 to 6 \(got 9\)/,
    );
  });

  it("a Fargate size mismatch fails naming the field and the allowed sizes", () => {
    const bad = { ...dev, serviceDefaults: { ...dev.serviceDefaults, cpu: 1024, memoryMiB: 512 } };
    expect(() => parseEnvironmentConfig(bad, "stacks/src/config/dev.ts")).toThrow(
      /serviceDefaults\.memoryMiB: 512 is not a Fargate size for cpu 1024; allowed: 2048\.\.8192 in steps of 1024/,
    );
  });

  it("only prod is production-class (the guardrails' production rules apply to it)", () => {
    const flags = ENVIRONMENT_NAMES.map((name) => {
      const c = loadEnvironmentConfig(name);
      return c.kind === "aws" && c.production;
    });
    expect(flags).toEqual([false, false, false, true]);
  });

  it("ECS Exec is on in dev and staging and off in prod", () => {
    const exec = ENVIRONMENT_NAMES.map((name) => {
      const c = loadEnvironmentConfig(name);
      return c.kind === "aws" ? c.exec.enabled : "local";
    });
    expect(exec).toEqual(["local", true, true, false]);
  });

  it("a production guardrail fails naming the file and the field", () => {
    const bad = { ...prod, database: { ...prod.database, backupRetentionDays: 1 } };
    expect(() => parseEnvironmentConfig(bad, "stacks/src/config/prod.ts")).toThrow(
      /Invalid environment config in stacks\/src\/config\/prod\.ts:\n {2}- database\.backupRetentionDays: must be from 7 to 35 \(days\) in a production environment \(production: true\) \(got 1\)/,
    );
  });

  it("prod is configured for resilience, dev for cost", () => {
    const p = loadEnvironmentConfig("prod");
    const d = loadEnvironmentConfig("dev");
    if (p.kind !== "aws" || d.kind !== "aws") throw new Error("AWS environments expected");
    expect([p.network.natGateways, p.database?.multiAz, p.database?.deletionProtection]).toEqual([
      "perAz",
      true,
      true,
    ]);
    expect([d.network.natGateways, d.database?.multiAz, d.database?.deletionProtection]).toEqual([
      "single",
      false,
      false,
    ]);
  });
});
