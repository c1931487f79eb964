import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Testing } from "cdktf";
import { localSecretVariable, readOrCreateLocalSecret } from "./local-secret";

describe("localSecretVariable", () => {
  it("declares a sensitive, required string variable named exactly as given, with a length check", () => {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        localSecretVariable(scope, "postgres_password");
      }),
    ) as { variable: Record<string, Record<string, unknown>> };
    expect(json.variable.postgres_password).toMatchObject({
      type: "string",
      sensitive: true,
      nullable: false,
      description: "Local secret, supplied by the deploy chain as TF_VAR_postgres_password.",
      validation: [
        {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform interpolation, not a JS template
          condition: "${length(var.postgres_password) >= 16}",
          error_message: "The variable postgres_password must be at least 16 characters long.",
        },
      ],
    });
    expect(json.variable.postgres_password).not.toHaveProperty("default");
  });

  it("rejects a name that cannot be a TF_VAR_ name", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        localSecretVariable(scope, "Postgres-Password");
      }),
    ).toThrow(/^name must match/);
  });

  it("rejects minLength out of range", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        localSecretVariable(scope, "pw", { minLength: 0 });
      }),
    ).toThrow(/^minLength must be an integer from 1 to 1024/);
  });
});

describe("readOrCreateLocalSecret", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "local-secret-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("creates a random secret once (file 0600, folder 0700) and returns the same value afterwards", () => {
    const file = path.join(dir, "state", "local", "postgres-password");
    const first = readOrCreateLocalSecret(file);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(readOrCreateLocalSecret(file)).toBe(first);
    expect(readOrCreateLocalSecret(path.join(dir, "other"))).not.toBe(first);
  });

  it("refuses an empty secret file instead of using an empty password", () => {
    const file = path.join(dir, "empty");
    fs.writeFileSync(file, "\n");
    expect(() => readOrCreateLocalSecret(file)).toThrow(/is empty/);
  });

  it("rejects bytes out of range", () => {
    expect(() => readOrCreateLocalSecret(path.join(dir, "x"), { bytes: 8 })).toThrow(
      /^bytes must be an integer from 16/,
    );
  });
});
