import { Testing } from "cdktf";
import { localSecretVariable } from "../local-secret/local-secret";
import { LocalPostgres, type LocalPostgresProps } from "./local-postgres";

type Resource = Record<string, unknown>;

const network = { networkName: "platform-local", internal: false };
const volume = { volumeName: "platform-local-pgdata" };

function synthPostgres(props: Partial<LocalPostgresProps> = {}) {
  let construct: LocalPostgres | undefined;
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      const password = localSecretVariable(scope, "postgres_password").stringValue;
      construct = new LocalPostgres(scope, "db", { network, volume, password, ...props });
    }),
  ) as { resource: { docker_container: Record<string, Resource> }; variable: Record<string, Resource> };
  const containers = Object.values(json.resource.docker_container);
  expect(containers).toHaveLength(1);
  return { container: containers[0], construct: construct!, variables: json.variable };
}

function make(props: Partial<LocalPostgresProps>) {
  return () => synthPostgres(props);
}

describe("LocalPostgres defaults", () => {
  const { container, construct, variables } = synthPostgres();

  it("runs postgres:16-bookworm as `postgres` on the network under its own alias", () => {
    expect(container.image).toBe("postgres:16-bookworm");
    expect(container.name).toBe("postgres");
    expect(container.networks_advanced).toEqual([{ name: "platform-local", aliases: ["postgres"] }]);
  });

  it("keeps its data on the named volume at the image's data directory", () => {
    expect(container.mounts).toEqual([
      { type: "volume", source: "platform-local-pgdata", target: "/var/lib/postgresql/data" },
    ]);
    expect(container.env).toContain("PGDATA=/var/lib/postgresql/data");
  });

  it("takes the password from the sensitive variable, never a literal", () => {
    expect(container.env).toEqual(
      expect.arrayContaining([
        "POSTGRES_USER=app",
        "POSTGRES_DB=app",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform interpolation, not a JS template
        "POSTGRES_PASSWORD=${var.postgres_password}",
      ]),
    );
    expect(variables.postgres_password).toMatchObject({ type: "string", sensitive: true, nullable: false });
  });

  it("is healthy when pg_isready accepts TCP clients, and apply waits for that", () => {
    expect(container.healthcheck).toMatchObject({
      test: ["CMD", "pg_isready", "-h", "127.0.0.1", "-p", "5432", "-U", "app", "-d", "app"],
      interval: "2s",
    });
    expect(container.wait).toBe(true);
    expect(container.wait_timeout).toBe(180);
  });

  it("is not published on the host", () => {
    expect(container).not.toHaveProperty("ports");
  });

  it("shuts down cleanly (SIGINT, 60 s grace, also on destroy) and restarts unless stopped", () => {
    expect(container).toMatchObject({
      stop_signal: "SIGINT",
      stop_timeout: 60,
      destroy_grace_seconds: 60,
      restart: "unless-stopped",
    });
  });

  it("is never created before the old one is destroyed (one server per data directory)", () => {
    expect(container).not.toHaveProperty("lifecycle");
  });

  it("exposes the connection settings for the service and the migration container", () => {
    expect(construct.port).toBe(5432);
    expect(construct.databaseName).toBe("app");
    expect(construct.username).toBe("app");
    expect(construct.networkName).toBe("platform-local");
    expect(Object.keys(construct.connectionEnvironment).sort()).toEqual([
      "PGDATABASE",
      "PGHOST",
      "PGPORT",
      "PGSSLMODE",
      "PGUSER",
    ]);
    expect(construct.connectionEnvironment).toMatchObject({
      PGPORT: "5432",
      PGUSER: "app",
      PGDATABASE: "app",
      PGSSLMODE: "disable",
    });
    // A reference to the container, so clients are created after the database.
    expect(construct.connectionEnvironment.PGHOST).toBe(construct.host);
    expect(construct.host).toMatch(/^\$\{TfToken/);
    expect(Object.keys(construct.connectionSecrets)).toEqual(["PGPASSWORD"]);
  });
});

describe("LocalPostgres props", () => {
  it("uses the given image, names, data directory and timeouts", () => {
    const { container } = synthPostgres({
      image: `127.0.0.1:5001/postgres-standin:16@sha256:${"a".repeat(64)}`,
      name: "db",
      databaseName: "posts",
      username: "svc",
      dataDirectory: "/data/pg",
      waitTimeoutSeconds: 300,
      healthCheckIntervalSeconds: 5,
      stopTimeoutSeconds: 20,
      labels: { env: "local" },
    });
    expect(container).toMatchObject({
      image: `127.0.0.1:5001/postgres-standin:16@sha256:${"a".repeat(64)}`,
      name: "db",
      wait_timeout: 300,
      stop_timeout: 20,
      destroy_grace_seconds: 20,
      networks_advanced: [{ name: "platform-local", aliases: ["db"] }],
      mounts: [{ type: "volume", source: "platform-local-pgdata", target: "/data/pg" }],
    });
    expect(container.env).toEqual(
      expect.arrayContaining(["POSTGRES_USER=svc", "POSTGRES_DB=posts", "PGDATA=/data/pg"]),
    );
    expect(container.healthcheck).toMatchObject({ interval: "5s" });
    expect(container.labels).toEqual(expect.arrayContaining([{ label: "env", value: "local" }]));
  });
});

describe("LocalPostgres validation", () => {
  it("refuses a literal password", () => {
    expect(make({ password: "hunter2hunter2hunter2" })).toThrow(/^password must be a Terraform token/);
  });
  it("refuses the latest tag", () => {
    expect(make({ image: "postgres:latest" })).toThrow(/^image must not use the "latest" tag/);
  });
  it("refuses an untagged image", () => {
    expect(make({ image: "postgres" })).toThrow(/^image must carry an explicit tag or digest/);
  });
  it("refuses a name that is not a DNS label", () => {
    expect(make({ name: "Postgres_DB" })).toThrow(/^name must be a DNS label/);
  });
  it("refuses an invalid databaseName", () => {
    expect(make({ databaseName: "my-db" })).toThrow(/^databaseName must match/);
  });
  it("refuses an invalid username", () => {
    expect(make({ username: "Robert'); DROP" })).toThrow(/^username must match/);
  });
  it("refuses a relative dataDirectory", () => {
    expect(make({ dataDirectory: "data" })).toThrow(/^dataDirectory must be an absolute path/);
  });
  it("refuses waitTimeoutSeconds out of range", () => {
    expect(make({ waitTimeoutSeconds: 5 })).toThrow(
      /^waitTimeoutSeconds must be an integer from 10 to 3600; got 5/,
    );
  });
  it("refuses healthCheckIntervalSeconds out of range", () => {
    expect(make({ healthCheckIntervalSeconds: 0 })).toThrow(/^healthCheckIntervalSeconds must be an integer/);
  });
  it("refuses stopTimeoutSeconds out of range", () => {
    expect(make({ stopTimeoutSeconds: 601 })).toThrow(/^stopTimeoutSeconds must be an integer from 1 to 600/);
  });
  it("refuses a reserved label key", () => {
    expect(make({ labels: { "platform.service": "x" } })).toThrow(/^labels key "platform.service"/);
  });
});
