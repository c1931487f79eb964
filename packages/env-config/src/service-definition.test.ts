import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnvironmentConfig } from "./environment-config";
import { assertServicesFitEnvironment, loadServiceDefinitions } from "./service-catalog";
import {
  parseServiceDefinition,
  resolveServiceSize,
  type ServiceDefinition,
  type ServiceDefinitionInput,
  validateServiceSet,
} from "./service-definition";

const web = (over: Partial<ServiceDefinitionInput> = {}): Record<string, unknown> => ({
  name: "api",
  type: "web",
  route: { pathPatterns: ["/*"], priority: 100 },
  database: true,
  migrations: true,
  ...over,
});
const worker = (over: Partial<ServiceDefinitionInput> = {}): Record<string, unknown> => ({
  name: "jobs",
  type: "worker",
  database: false,
  migrations: false,
  ...over,
});
const parse = (raw: Record<string, unknown>) =>
  parseServiceDefinition(raw, `apps/${raw.name}/service.json`, `apps/${raw.name}`);
const defaults = {
  cpu: 256,
  memoryMiB: 512,
  desiredCount: 1,
  autoscaling: { minTasks: 1, maxTasks: 2, cpuTargetPercent: 70, requestsPerTarget: 1000 },
};

describe("parseServiceDefinition", () => {
  it("applies defaults", () => {
    const s = parse(web());
    expect([s.environment, s.secrets, s.size, s.environments, s.root]).toEqual([{}, [], {}, {}, "apps/api"]);
  });

  it("names the file, the field and the allowed types for an unknown type", () => {
    expect(() => parse(web({ type: "cron" as "web" }))).toThrow(
      /Invalid service definition in apps\/api\/service\.json:\n {2}- type: must be one of "web", "worker" \(got "cron"\)/,
    );
  });

  it("requires a route for a web service", () => {
    expect(() => parse(web({ route: undefined }))).toThrow(/route: is required for a web service/);
  });

  it("refuses a route without path patterns or hosts", () => {
    expect(() => parse(web({ route: { priority: 1 } }))).toThrow(/route: needs pathPatterns, hosts or both/);
  });

  it("refuses a path pattern not starting with /", () => {
    expect(() => parse(web({ route: { pathPatterns: ["api/*"], priority: 1 } }))).toThrow(
      /route\.pathPatterns\.0: must start with '\/'/,
    );
  });

  it("refuses more than five rule values (the ALB limit)", () => {
    const route = {
      pathPatterns: ["/a", "/b", "/c"],
      hosts: ["a.example.com", "b.example.com", "c.example.com"],
      priority: 1,
    };
    expect(() => parse(web({ route }))).toThrow(
      /route: has 6 path\/host values; an ALB rule allows at most 5/,
    );
  });

  it("refuses a priority outside 1..50000", () => {
    expect(() => parse(web({ route: { pathPatterns: ["/*"], priority: 0 } }))).toThrow(
      /route\.priority: must be an integer from 1 to 50000/,
    );
  });

  it.each(["route", "port", "healthCheckPath"] as const)("refuses a worker with %s", (field) => {
    const value = { route: { pathPatterns: ["/*"], priority: 1 }, port: 8080, healthCheckPath: "/_ready" }[
      field
    ];
    expect(() => parse(worker({ [field]: value }))).toThrow(
      new RegExp(`${field}: is not allowed for a worker \\(it takes no traffic`),
    );
  });

  it("refuses request-count autoscaling for a worker", () => {
    const autoscaling = { minTasks: 1, maxTasks: 2, cpuTargetPercent: 50, requestsPerTarget: 10 };
    expect(() => parse(worker({ environments: { prod: { autoscaling } } }))).toThrow(
      /environments\.prod\.autoscaling\.requestsPerTarget: is not allowed for a worker/,
    );
  });

  it("refuses migrations without a database", () => {
    expect(() => parse(web({ database: false }))).toThrow(/migrations: needs database: true/);
  });

  it("refuses a database owner without migrations (nothing would create its schema and roles)", () => {
    expect(() => parse(web({ migrations: false }))).toThrow(
      /migrations: must be true for a service that owns its database/,
    );
  });

  it("refuses a name that is not its folder", () => {
    expect(() => parseServiceDefinition(web(), "apps/other/service.json", "apps/other")).toThrow(
      /name: must be "other", the service's folder/,
    );
  });

  it("refuses a variable that is both plain and secret", () => {
    expect(() => parse(web({ environment: { TOKEN: "x" }, secrets: ["TOKEN"] }))).toThrow(
      /secrets: TOKEN is also in environment/,
    );
  });

  it("refuses an unknown field, naming it", () => {
    expect(() => parse(web({ replicas: 3 } as Partial<ServiceDefinitionInput>))).toThrow(
      /replicas: is not a known field/,
    );
  });
});

describe("validateServiceSet", () => {
  const set = (...raws: Record<string, unknown>[]) => raws.map(parse);

  it("accepts distinct services", () => {
    expect(() =>
      validateServiceSet(
        set(web(), web({ name: "admin", route: { hosts: ["admin.example.com"], priority: 10 } })),
      ),
    ).not.toThrow();
  });

  it("refuses two services with the same name", () => {
    const a = parse(web());
    const b: ServiceDefinition = { ...a, root: "apps/api-copy" };
    expect(() => validateServiceSet([a, b])).toThrow(
      /apps\/api-copy\/service\.json: name "api" is also the name of apps\/api\/service\.json/,
    );
  });

  it("refuses two web services with the same rule", () => {
    const same = set(web(), web({ name: "api2", route: { pathPatterns: ["/*"], priority: 5 } }));
    expect(() => validateServiceSet(same)).toThrow(
      /apps\/api2\/service\.json: route has the same pathPatterns and hosts as apps\/api\/service\.json/,
    );
  });

  it("refuses two web services with the same priority", () => {
    const same = set(web(), web({ name: "api2", route: { pathPatterns: ["/v2/*"], priority: 100 } }));
    expect(() => validateServiceSet(same)).toThrow(/apps\/api2\/service\.json: route\.priority 100 is also/);
  });

  it("refuses databaseOf naming an unknown service", () => {
    const s = set(worker({ database: true, databaseOf: "nope" }));
    expect(() => validateServiceSet(s)).toThrow(/databaseOf "nope" is not a service/);
  });
});

describe("resolveServiceSize", () => {
  it("takes environment defaults, then size, then the environment's override", () => {
    const s = parse(
      web({
        size: { cpu: 512, memoryMiB: 1024 },
        environments: { prod: { memoryMiB: 2048, desiredCount: 2 } },
      }),
    );
    expect(resolveServiceSize(s, "dev", defaults)).toEqual({
      cpu: 512,
      memoryMiB: 1024,
      desiredCount: 1,
      autoscaling: { minTasks: 1, maxTasks: 2, cpuTargetPercent: 70, requestsPerTarget: 1000 },
    });
    expect(resolveServiceSize(s, "prod", defaults)).toMatchObject({ memoryMiB: 2048, desiredCount: 2 });
  });

  it("drops request-count tracking for a worker", () => {
    expect(
      resolveServiceSize(parse(worker()), "dev", defaults).autoscaling?.requestsPerTarget,
    ).toBeUndefined();
  });

  it("autoscaling false gives a fixed count", () => {
    const s = parse(worker({ size: { autoscaling: false, desiredCount: 0 } }));
    expect(resolveServiceSize(s, "dev", defaults)).toEqual({ cpu: 256, memoryMiB: 512, desiredCount: 0 });
  });

  it("names the file and field when the sizes are not a Fargate size", () => {
    const s = parse(web({ environments: { prod: { cpu: 1024 } } }));
    expect(() => resolveServiceSize(s, "prod", defaults)).toThrow(
      /apps\/api\/service\.json:\n {2}- environments\.prod\.memoryMiB: 512 is not a Fargate size for cpu 1024 in prod/,
    );
  });

  it("names desiredCount outside the autoscaling range", () => {
    const s = parse(web({ environments: { dev: { desiredCount: 5 } } }));
    expect(() => resolveServiceSize(s, "dev", defaults)).toThrow(
      /environments\.dev\.desiredCount: 5 must be between autoscaling\.minTasks \(1\) and maxTasks \(2\) in dev/,
    );
  });
});

describe("loadServiceDefinitions", () => {
  let repo: string;
  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), "services-"));
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));
  const write = (name: string, content: string) => {
    mkdirSync(join(repo, "apps", name), { recursive: true });
    writeFileSync(join(repo, "apps", name, "service.json"), content);
  };

  it("reads every apps/*/service.json, sorted, skipping folders without one", () => {
    write("jobs", JSON.stringify(worker()));
    write("api", JSON.stringify(web()));
    mkdirSync(join(repo, "apps", "docs"));
    expect(loadServiceDefinitions(repo).map((s) => s.name)).toEqual(["api", "jobs"]);
  });

  it("names a file that is not JSON", () => {
    write("api", "{");
    expect(() => loadServiceDefinitions(repo)).toThrow(/apps\/api\/service\.json: not valid JSON/);
  });

  it("the repository's own services are valid", () => {
    const names = loadServiceDefinitions(join(__dirname, "..", "..", "..")).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(["post-worker", "sample-service"]));
  });
});

describe("assertServicesFitEnvironment", () => {
  const aws = parseEnvironmentConfig(
    {
      name: "dev",
      kind: "aws",
      region: "eu-west-1",
      network: { vpcCidr: "10.0.0.0/16", azCount: 2, natGateways: "single" },
      serviceDefaults: defaults,
      logRetentionDays: 7,
    },
    "stacks/src/config/dev.ts",
  );

  it("refuses database: true in an environment without a database", () => {
    expect(() => assertServicesFitEnvironment([parse(web())], aws, ["dev"])).toThrow(
      /apps\/api\/service\.json: database: true, but environment dev has no database/,
    );
  });

  it("refuses sizes for an unknown environment, listing the environments", () => {
    const s = parse(worker({ environments: { qa: { desiredCount: 1 } } }));
    expect(() => assertServicesFitEnvironment([s], aws, ["local", "dev"])).toThrow(
      /environments\.qa is not an environment \(allowed: local, dev\)/,
    );
  });
});
