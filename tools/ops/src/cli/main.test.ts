import { UsageError } from "./command";
import { COMMAND_TABLE } from "./commands";
import { errorText, main } from "./main";
import { USAGE } from "./usage";

const context = { repoRoot: "/nonexistent", workspace: "/nonexistent", environ: {} };
const args = (command: string, values: Record<string, string>) => ({
  command,
  values,
  flags: new Set<string>(),
});

describe("main", () => {
  let written: string[];
  beforeEach(() => {
    written = [];
    jest.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it("prints the usage for --help or -h anywhere, exit 0", async () => {
    await expect(main(["--help"])).resolves.toBe(0);
    await expect(main(["release", "-h"])).resolves.toBe(0);
    expect(written).toEqual([`${USAGE}\n`, `${USAGE}\n`]);
  });
  it("refuses an unknown command naming the known ones", async () => {
    await expect(main(["deploy"])).rejects.toThrow(
      `Unknown command "deploy"; one of ${Object.keys(COMMAND_TABLE).join(", ")}`,
    );
  });
});

describe("errorText", () => {
  it("follows usage errors with the usage text, other errors without", () => {
    expect(errorText(new UsageError("release needs --env"))).toBe(`ops: release needs --env\n${USAGE}\n`);
    expect(errorText(new Error("boom"))).toBe("ops: boom\n");
  });
});

describe("commands", () => {
  const platformEnv = process.env.PLATFORM_ENV;
  beforeEach(() => {
    delete process.env.PLATFORM_ENV;
  });
  afterAll(() => {
    if (platformEnv !== undefined) process.env.PLATFORM_ENV = platformEnv;
  });

  it.each(["status", "plan-comment", "record-apply", "release"] as const)(
    "%s refuses an --env outside the AWS environments, naming them",
    async (name) => {
      await expect(COMMAND_TABLE[name].run(args(name, { env: "qa" }), context)).rejects.toThrow(
        '--env must be one of dev, staging, prod (got "qa")',
      );
    },
  );
  it.each(["run-image", "deploy-affected"] as const)(
    "%s refuses an unknown --env, naming the environments",
    async (name) => {
      await expect(COMMAND_TABLE[name].run(args(name, { env: "qa" }), context)).rejects.toThrow(
        '--env must be one of local, dev, staging, prod (got "qa")',
      );
    },
  );
  it("promote names the allowed --from and --to", async () => {
    const promote = COMMAND_TABLE.promote;
    await expect(promote.run(args("promote", { from: "qa", to: "prod" }), context)).rejects.toThrow(
      '--from must be one of dev, staging, prod (got "qa")',
    );
    await expect(promote.run(args("promote", { to: "local" }), context)).rejects.toThrow(
      '--to must be one of dev, staging, prod (got "local")',
    );
  });
  it("a missing required option is a usage error naming it (-c <env> for --env)", async () => {
    const missingEnv = COMMAND_TABLE.release.run(args("release", {}), context);
    await expect(missingEnv).rejects.toThrow(UsageError);
    await expect(COMMAND_TABLE.release.run(args("release", {}), context)).rejects.toThrow(
      "release needs --env (or -c <env> through Nx)",
    );
    await expect(COMMAND_TABLE.promote.run(args("promote", {}), context)).rejects.toThrow(
      /^promote needs --to$/,
    );
  });
  it("takes --env from PLATFORM_ENV (Nx configurations)", async () => {
    process.env.PLATFORM_ENV = " qa ";
    await expect(COMMAND_TABLE.release.run(args("release", {}), context)).rejects.toThrow('(got "qa")');
  });
});
