import { parseArgs, selectStacks, stacksOfLayers, stacksOfServices } from "./args";
import { terraformEnv } from "./terraform";
import { parseEnvFile } from "./toolchain";

describe("parseArgs", () => {
  it("reads the command, environment and flags", () => {
    expect(
      parseArgs(["apply", "--env", "dev", "--saved", "--stack", "network,service", "--emulator"]),
    ).toEqual({
      command: "apply",
      env: "dev",
      stacks: ["network", "service"],
      services: [],
      layers: [],
      saved: true,
      foundation: false,
      skipUndeployed: false,
      skipUnchanged: false,
      allowProd: false,
      includeData: false,
      emulator: true,
      changesExitCode: 2,
      rest: [],
    });
  });

  it("lets the plan's exit code for changes be 0 (for Nx) and nothing else", () => {
    expect(parseArgs(["plan", "--changes-exit-code", "0"]).changesExitCode).toBe(0);
    expect(() => parseArgs(["plan", "--changes-exit-code=3"])).toThrow(/--changes-exit-code must be 0 or 2/);
  });

  it("takes the environment from PLATFORM_ENV (what the Nx configurations set)", () => {
    expect(parseArgs(["state", "show", "aws_vpc.main"], { PLATFORM_ENV: "staging" })).toEqual(
      expect.objectContaining({ command: "state", env: "staging", rest: ["show", "aws_vpc.main"] }),
    );
  });

  it("refuses an Nx configuration that is no environment instead of falling back to PLATFORM_ENV", () => {
    // `PLATFORM_ENV=staging nx run stacks:synth -c prdo`: Nx ignores the unknown configuration.
    expect(() =>
      parseArgs(["synth"], { PLATFORM_ENV: "staging", NX_TASK_TARGET_CONFIGURATION: "prdo" }),
    ).toThrow(
      /nx configuration \(-c prdo\): environment must be one of local, dev, staging, prod \(got "prdo"\)/,
    );
  });

  it("takes the environment from the Nx configuration (-c <env>)", () => {
    expect(parseArgs(["plan"], { NX_TASK_TARGET_CONFIGURATION: "dev" }).env).toBe("dev");
  });

  it("lets --env override PLATFORM_ENV", () => {
    expect(parseArgs(["plan", "--env=prod"], { PLATFORM_ENV: "dev" }).env).toBe("prod");
  });

  it("rejects an unknown command, listing the commands", () => {
    expect(() => parseArgs(["deploy"])).toThrow(
      /Unknown command "deploy"; one of synth, validate, plan, apply/,
    );
  });

  it("rejects an unknown option", () => {
    expect(() => parseArgs(["plan", "--force"])).toThrow(/Unknown option --force/);
  });

  it("rejects an option without its value", () => {
    expect(() => parseArgs(["plan", "--env"])).toThrow(/--env needs a value/);
  });
});

describe("stacksOfServices", () => {
  const deployed = [
    { definition: { name: "web" }, stackName: "service-web-dev" },
    { definition: { name: "post-worker" }, stackName: "service-post-worker-dev" },
  ];
  it("reads --service (repeatable, comma-separated)", () => {
    expect(parseArgs(["apply", "--service", "web,post-worker", "--service=x"]).services).toEqual([
      "web",
      "post-worker",
      "x",
    ]);
  });
  it("maps each requested service to the stack that deploys it", () => {
    expect(stacksOfServices(deployed, ["post-worker"], "dev")).toEqual(["service-post-worker-dev"]);
  });
  it("refuses an unknown service, listing the services", () => {
    expect(() => stacksOfServices(deployed, ["api"], "dev")).toThrow(
      /--service "api": no such service in dev; services: web, post-worker/,
    );
  });
});

describe("selectStacks", () => {
  const all = ["registry", "network-dev", "database-dev", "service-dev"];
  it("selects all without a request, layer names or full names otherwise", () => {
    expect(selectStacks(all, [], "dev")).toEqual(all);
    expect(selectStacks(all, ["network", "registry"], "dev")).toEqual(["network-dev", "registry"]);
  });
  it("rejects an unknown stack, listing the stacks", () => {
    expect(() => selectStacks(all, ["cache"], "dev")).toThrow(
      /No stack "cache" in dev; stacks: registry, network-dev/,
    );
  });
});

describe("toolchain and terraform environment", () => {
  it("parses toolchain.env export lines", () => {
    expect(parseEnvFile("# c\nexport A=1\nexport B=\"x y\"\nC='z'\n")).toEqual({ A: "1", B: "x y", C: "z" });
  });

  it("points Terraform at the mirror config and turns off prompts, update checks and metadata probes", () => {
    const env = terraformEnv(
      { terraform: "terraform", cliConfigFile: "/c/cli.tfrc", vars: {}, source: "t" },
      { TF_CLI_CONFIG_FILE: "/missing" },
    );
    expect(env).toEqual(
      expect.objectContaining({
        TF_CLI_CONFIG_FILE: "/c/cli.tfrc",
        TF_INPUT: "0",
        CHECKPOINT_DISABLE: "1",
        AWS_EC2_METADATA_DISABLED: "true",
      }),
    );
  });

  it("drops a TF_CLI_CONFIG_FILE when the toolchain has none (no mirror: the public registry)", () => {
    const env = terraformEnv(
      { terraform: "terraform", vars: {}, source: "t" },
      { TF_CLI_CONFIG_FILE: "/missing" },
    );
    expect(env.TF_CLI_CONFIG_FILE).toBeUndefined();
  });
});

describe("stacksOfLayers", () => {
  const layers = [
    { name: "network", description: "", packages: ["network"], after: [], stacks: { aws: "network-{env}" } },
    {
      name: "database",
      description: "",
      packages: ["database"],
      after: ["network"],
      stacks: { aws: "database-{env}", local: "{env}-data" },
    },
  ];
  it("resolves each layer to its stack of the environment's kind", () => {
    expect(stacksOfLayers(layers, ["network", "database"], "aws", "staging")).toEqual([
      "network-staging",
      "database-staging",
    ]);
    expect(stacksOfLayers(layers, ["database"], "local", "local")).toEqual(["local-data"]);
  });
  it("selects nothing for a layer without a stack in the environment", () => {
    expect(stacksOfLayers(layers, ["network"], "local", "local")).toEqual([]);
  });
  it("refuses an unknown layer naming the known ones", () => {
    expect(() => stacksOfLayers(layers, ["cache"], "aws", "dev")).toThrow(
      /--layer "cache": no such layer; layers: network, database/,
    );
  });
  it("parses --layer and --skip-unchanged", () => {
    const a = parseArgs([
      "apply",
      "--env",
      "dev",
      "--layer",
      "network",
      "--layer=database",
      "--skip-unchanged",
    ]);
    expect(a.layers).toEqual(["network", "database"]);
    expect(a.skipUnchanged).toBe(true);
  });
});
