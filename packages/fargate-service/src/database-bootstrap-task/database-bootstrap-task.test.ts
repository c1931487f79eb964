import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Testing } from "cdktf";
import { DatabaseBootstrapTask, type DatabaseBootstrapTaskProps } from "./database-bootstrap-task";

type Resource = Record<string, unknown>;

const arn = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`;
const base: DatabaseBootstrapTaskProps = {
  name: "dev-api",
  image: {
    repositoryUrl: "public.ecr.aws/docker/library/postgres",
    digest: `sha256:${"a".repeat(64)}`,
  },
  script: "SELECT 1;",
  connection: { PGHOST: "db.internal", PGPORT: "5432", PGDATABASE: "app", PGSSLMODE: "require" },
  secrets: {
    PGUSER: { arn: arn("rds-admin"), jsonKey: "username" },
    PGPASSWORD: { arn: arn("rds-admin"), jsonKey: "password" },
    PLATFORM_APP_PASSWORD: { arn: arn("dev/api/db-app"), jsonKey: "password" },
  },
  logGroup: { name: "/ecs/dev-api", arn: "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/dev-api" },
  region: "eu-west-1",
};

function synth(props: Partial<DatabaseBootstrapTaskProps> = {}) {
  const parsed = JSON.parse(
    Testing.synthScope((scope) => {
      new AwsProvider(scope, "aws", { region: "eu-west-1" });
      new DatabaseBootstrapTask(scope, "bootstrap", { ...base, ...props });
    }),
  ) as { resource: Record<string, Record<string, Resource>> };
  return (type: string) => Object.values(parsed.resource[type] ?? {});
}
const make = (props: Partial<DatabaseBootstrapTaskProps>) => () => synth(props);

describe("DatabaseBootstrapTask", () => {
  const resources = synth();
  const task = resources("aws_ecs_task_definition")[0];
  const container = JSON.parse(String(task.container_definitions))[0];

  it("registers the family <name>-db-bootstrap with the image by digest", () => {
    expect(task.family).toBe("dev-api-db-bootstrap");
    expect(container.image).toBe(`public.ecr.aws/docker/library/postgres@sha256:${"a".repeat(64)}`);
  });

  it("pipes the script from its environment variable into psql, as a non-root user on a read-only root", () => {
    expect(container.command).toEqual(["sh", "-c", `printf '%s' "$PLATFORM_BOOTSTRAP_SQL" | psql -X -f -`]);
    expect(container.environment).toContainEqual({ name: "PLATFORM_BOOTSTRAP_SQL", value: "SELECT 1;" });
    expect(container).toMatchObject({ user: "postgres", readonlyRootFilesystem: true });
  });

  it("has its own execution role, which may read exactly its secrets", () => {
    const policy = JSON.parse(String(resources("aws_iam_role_policy")[0].policy));
    const read = policy.Statement.find((s: { Sid: string }) => s.Sid === "ReadSecrets");
    expect(read.Resource).toEqual([arn("rds-admin"), arn("dev/api/db-app")]);
    expect(resources("aws_iam_role").map((r) => r.name)).toEqual(
      expect.arrayContaining(["dev-api-db-bootstrap-execution"]),
    );
  });

  it("refuses secrets without the admin login", () => {
    expect(make({ secrets: { PGUSER: base.secrets.PGUSER } })).toThrow(
      /DatabaseBootstrapTask: secrets must include PGPASSWORD \(the admin login\)/,
    );
  });

  it("refuses an empty script", () => {
    expect(make({ script: "  " })).toThrow(/DatabaseBootstrapTask: script must not be empty/);
  });

  it("refuses an image given with a tag instead of a digest", () => {
    expect(make({ image: { repositoryUrl: "postgres:16", digest: base.image.digest } })).toThrow(
      /DatabaseBootstrapTask: image\.repositoryUrl "postgres:16" is invalid/,
    );
  });
});
