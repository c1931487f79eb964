import { Testing } from "cdktf";
import {
  ServiceDatabaseCredentials,
  type ServiceDatabaseCredentialsProps,
} from "./service-database-credentials";

type Resource = Record<string, unknown>;

const base: ServiceDatabaseCredentialsProps = {
  namePrefix: "dev/sample-service/db",
  migratorUsername: "sample_service_migrator",
  appUsername: "sample_service_app",
};

function synth(props: Partial<ServiceDatabaseCredentialsProps> = {}) {
  const parsed = JSON.parse(
    Testing.synthScope((scope) => {
      new ServiceDatabaseCredentials(scope, "creds", { ...base, ...props });
    }),
  ) as { resource: Record<string, Record<string, Resource>>; data: Record<string, Record<string, Resource>> };
  return {
    resources: (type: string) => Object.values(parsed.resource[type] ?? {}),
    data: (type: string) => Object.values(parsed.data[type] ?? {}),
  };
}

const make = (props: Partial<ServiceDatabaseCredentialsProps>) => () => synth(props);

describe("ServiceDatabaseCredentials", () => {
  it("creates one secret per login, named after the prefix, deleted at once by default", () => {
    const secrets = synth().resources("aws_secretsmanager_secret");
    expect(secrets.map((s) => s.name).sort()).toEqual([
      "dev/sample-service/db-app",
      "dev/sample-service/db-migrator",
    ]);
    for (const s of secrets) expect(s.recovery_window_in_days).toBe(0);
  });

  it("stores username and a generated password without punctuation, never rewritten by a later apply", () => {
    const { resources, data } = synth();
    const versions = resources("aws_secretsmanager_secret_version");
    expect(versions).toHaveLength(2);
    expect(versions.map((v) => String(v.secret_string)).sort()).toEqual([
      expect.stringMatching(
        /^\$\{jsonencode\(\{"username" = "sample_service_app", "password" = data\.aws_secretsmanager_random_password\.creds_app-password_\w+\.random_password\}\)\}$/,
      ),
      expect.stringMatching(
        /"username" = "sample_service_migrator", "password" = data\.\S+migrator-password/,
      ),
    ]);
    for (const v of versions) expect(v.lifecycle).toEqual({ ignore_changes: ["secret_string"] });
    for (const d of data("aws_secretsmanager_random_password")) {
      expect(d).toMatchObject({ password_length: 32, exclude_punctuation: true });
    }
  });

  it("keeps deleted secrets recoverable for the given window", () => {
    const secrets = synth({ recoveryWindowDays: 30 }).resources("aws_secretsmanager_secret");
    for (const s of secrets) expect(s.recovery_window_in_days).toBe(30);
  });

  it("refuses a username that is not a plain PostgreSQL identifier", () => {
    expect(make({ appUsername: "App-Role" })).toThrow(
      /appUsername must be a lower-case PostgreSQL identifier/,
    );
  });

  it("refuses the same role for both logins", () => {
    expect(make({ migratorUsername: "x_app", appUsername: "x_app" })).toThrow(
      /migratorUsername and appUsername must differ/,
    );
  });

  it("refuses a recovery window Secrets Manager does not accept", () => {
    expect(make({ recoveryWindowDays: 3 })).toThrow(/recoveryWindowDays must be 0 or 7\.\.30; got 3/);
  });

  it("refuses a short password length", () => {
    expect(make({ passwordLength: 8 })).toThrow(/passwordLength must be an integer in 20\.\.128; got 8/);
  });
});
