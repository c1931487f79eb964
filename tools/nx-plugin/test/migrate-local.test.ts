import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { serviceDatabaseRoles } from "@platform/toolchain";
import { dockerize } from "../src/executors/dockerize/dockerize";
import { normalizeDockerizeOptions } from "../src/executors/dockerize/normalize-options";
import { bootstrapLocalDatabase } from "../src/executors/migrate/local-bootstrap";
import { migrateLocal } from "../src/executors/migrate/migrate";
import { normalizeMigrateOptions } from "../src/executors/migrate/normalize-options";
import { normalizePushOptions } from "../src/executors/push/normalize-options";
import { push } from "../src/executors/push/push";
import { type BuiltImage, type PushedImage, writeJsonFile } from "../src/lib/deploy-files";
import { StepLog } from "../src/lib/log";
import { docker, dockerEnv, FIXTURES, toolchain, uniqueName, WORKSPACE_ROOT } from "./support";

jest.setTimeout(900_000);

const STAGED_CONTEXT = "apps/sample-service/dist/image";

// The real service image (dockerized from apps/sample-service/Dockerfile), a real PostgreSQL in a
// container, and the local migrate step's one-off `docker run --rm` on their network.
describe("migrate (local): the service image's migrate command against PostgreSQL in a container", () => {
  const name = uniqueName("nxp-migrate");
  const dir = mkdtempSync(join(tmpdir(), "migrate-local-"));
  const log = new StepLog("test");
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  let good: PushedImage;
  let broken: PushedImage;

  const psql = async (sql: string, user = "postgres") =>
    (await docker(["exec", `${name}-db`, "psql", "-U", user, "-d", "app", "-tAc", sql])).stdout.trim();
  /** psql's exit code and output as a role (socket connection: the role's privileges, not its password). */
  const psqlAs = async (user: string, sql: string) =>
    docker(
      ["exec", `${name}-db`, "psql", "-X", "-v", "ON_ERROR_STOP=1", "-U", user, "-d", "app", "-tAc", sql],
      [1],
    );
  const options = (image: string, output: string) =>
    normalizeMigrateOptions(
      {
        environment: "local",
        service: "sample-service",
        imageFile: image,
        outputsFile: join(dir, "outputs.json"),
        outputFile: output,
      },
      WORKSPACE_ROOT,
    );

  beforeAll(async () => {
    if (!existsSync(join(WORKSPACE_ROOT, STAGED_CONTEXT, "package.json"))) {
      throw new Error(`${STAGED_CONTEXT} is not staged: run \`npx nx run sample-service:build\` first.`);
    }
    await docker(["network", "create", name]);
    await docker([
      "run",
      "--detach",
      "--name",
      `${name}-db`,
      "--network",
      name,
      "--env",
      `POSTGRES_PASSWORD=${password}`,
      "--env",
      "POSTGRES_DB=app",
      toolchain().env.POSTGRES_BASE_IMAGE ?? "",
    ]);
    const built = await dockerize(
      normalizeDockerizeOptions(
        {
          service: "sample-service",
          context: STAGED_CONTEXT,
          imageName: name,
          outputFile: join(dir, "good", "built.json"),
          network: "none",
        },
        WORKSPACE_ROOT,
      ),
      toolchain(),
      log,
    );
    good = await push(
      normalizePushOptions(
        {
          service: "sample-service",
          environment: "local",
          imageFile: join(dir, "good", "built.json"),
          outputFile: join(dir, "good", "image.json"),
          repositoryName: name,
        },
        WORKSPACE_ROOT,
      ),
      toolchain(),
      log,
    );
    // The broken fixture: the same image plus a migration that does not parse.
    const brokenTag = `${name}-broken:${built.tag}`;
    await docker([
      "build",
      "--tag",
      brokenTag,
      "--build-arg",
      `SERVICE_IMAGE=${built.imageId}`,
      join(FIXTURES, "broken-migration"),
    ]);
    const brokenId = (await docker(["image", "inspect", "--format", "{{.Id}}", brokenTag])).stdout.trim();
    writeJsonFile(join(dir, "broken", "built.json"), {
      ...built,
      imageId: brokenId,
      image: brokenTag,
      name: `${name}-broken`,
    } satisfies BuiltImage);
    broken = await push(
      normalizePushOptions(
        {
          service: "sample-service",
          environment: "local",
          imageFile: join(dir, "broken", "built.json"),
          outputFile: join(dir, "broken", "image.json"),
          repositoryName: `${name}-broken`,
        },
        WORKSPACE_ROOT,
      ),
      toolchain(),
      log,
    );
    // What the local stacks export for the migrate step (no password: migrate reads the database
    // container's POSTGRES_PASSWORD).
    writeJsonFile(join(dir, "outputs.json"), {
      environment: "local",
      stacks: {
        local: {
          network_name: name,
          migration_environment: {
            PGHOST: `${name}-db`,
            PGPORT: "5432",
            PGUSER: "postgres",
            PGDATABASE: "app",
            PGSSLMODE: "disable",
          },
        },
      },
    });
    for (let i = 0; ; i++) {
      const ready = await docker(["exec", `${name}-db`, "pg_isready", "-U", "postgres", "-d", "app"], [1, 2]);
      if (ready.exitCode === 0) break;
      if (i > 120) throw new Error(`PostgreSQL in ${name}-db did not become ready: ${ready.output}`);
      await sleep(500);
    }
  });

  afterAll(async () => {
    await docker(["rm", "--force", `${name}-db`], [1]).catch(() => undefined);
    await docker(["network", "rm", name], [1]).catch(() => undefined);
    const refs = (await docker(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"])).stdout
      .split("\n")
      .filter((r) => r.includes(name));
    if (refs.length > 0) await docker(["image", "rm", "--force", ...refs], [1]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("applies the migrations once in a one-off container, removed afterwards, and records exit code 0", async () => {
    const record = await migrateLocal(
      options(join(dir, "good", "image.json"), join(dir, "good", "migration.json")),
      toolchain(),
      log,
    );
    expect(record).toMatchObject({ succeeded: true, exitCode: 0, reference: good.reference });
    // In the service's own schema, owned by its migrator role (the bootstrap ran as the admin user).
    expect(
      await psql(
        "SELECT tableowner FROM pg_tables WHERE schemaname = 'sample_service' AND tablename = 'posts'",
      ),
    ).toBe("sample_service_migrator");
    expect(await psql("SELECT to_regclass('public.posts') IS NULL")).toBe("t");
    const left = (
      await docker(["ps", "--all", "--filter", `name=${record.runId}`, "--format", "{{.Names}}"])
    ).stdout.trim();
    expect(left).toBe("");
  });

  it("fails on the broken migration with its error, records the non-zero exit, and leaves the schema as it was", async () => {
    const migrationFile = join(dir, "broken", "migration.json");
    const failure = await migrateLocal(
      options(join(dir, "broken", "image.json"), migrationFile),
      toolchain(),
      log,
    ).catch((e: unknown) => e as Error);
    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    expect(message).toMatch(
      /^The migration failed \(container migrate-local-\d+, exit code 1\); nothing was applied/,
    );
    // The migration's own error, from the container's output.
    expect(message).toMatch(/900_broken_fixture\.sql/);
    expect(message).toMatch(/syntax error at or near "SELEC"/);
    expect(JSON.parse(readFileSync(migrationFile, "utf8"))).toMatchObject({
      succeeded: false,
      exitCode: 1,
      reference: broken.reference,
    });
    expect(await psql("SELECT to_regclass('sample_service.broken_fixture') IS NULL")).toBe("t");
    expect(await psql("SELECT to_regclass('sample_service.posts') IS NOT NULL")).toBe("t");
  });

  describe("the service's runtime role", () => {
    const app = "sample_service_app";

    it("reads and writes rows of its schema through its search_path", async () => {
      const res = await psqlAs(app, "INSERT INTO posts (title) VALUES ('role test') RETURNING title");
      expect(res.exitCode).toBe(0);
      expect(res.stdout).toMatch(/^role test$/m);
      expect((await psqlAs(app, "DELETE FROM posts WHERE title = 'role test'")).exitCode).toBe(0);
    });

    it("cannot create a table, in its schema or in public", async () => {
      for (const table of ["sample_service.role_probe", "public.role_probe"]) {
        const res = await psqlAs(app, `CREATE TABLE ${table} (id int)`);
        expect(res.exitCode).toBe(1);
        expect(res.output).toMatch(/permission denied for schema (sample_service|public)/);
      }
    });

    it("cannot read another service's schema", async () => {
      // A second service's schema, bootstrapped and migrated the same way (its migrator creates the table).
      await bootstrapLocalDatabase(
        {
          container: `${name}-db`,
          adminUser: "postgres",
          adminPassword: password,
          database: "app",
          roles: serviceDatabaseRoles("other-service"),
          env: dockerEnv(),
        },
        log,
      );
      expect((await psqlAs("other_service_migrator", "CREATE TABLE secrets (v text)")).exitCode).toBe(0);
      const res = await psqlAs(app, "SELECT * FROM other_service.secrets");
      expect(res.exitCode).toBe(1);
      expect(res.output).toMatch(/permission denied for schema other_service/);
    });
  });

  it("bootstraps as a non-superuser admin like RDS's master user (CREATEROLE, owns the database), twice", async () => {
    await psql("CREATE ROLE rds_like_admin LOGIN CREATEROLE CREATEDB");
    await psql("CREATE DATABASE rds_like OWNER rds_like_admin");
    const input = {
      container: `${name}-db`,
      adminUser: "rds_like_admin",
      adminPassword: password,
      database: "rds_like",
      roles: serviceDatabaseRoles("third-service"),
      env: dockerEnv(),
    };
    await bootstrapLocalDatabase(input, log);
    await bootstrapLocalDatabase(input, log);
    const owner = await docker([
      "exec",
      `${name}-db`,
      "psql",
      "-U",
      "postgres",
      "-d",
      "rds_like",
      "-tAc",
      "SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'third_service'",
    ]);
    expect(owner.stdout.trim()).toBe("third_service_migrator");
  });
});
