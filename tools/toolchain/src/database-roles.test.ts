import { createHash } from "node:crypto";
import { bootstrapSql, derivedRolePassword, serviceDatabaseRoles } from "./database-roles";

describe("serviceDatabaseRoles", () => {
  it("names the schema after the service in snake_case and both roles after the schema", () => {
    expect(serviceDatabaseRoles("sample-service")).toEqual({
      service: "sample-service",
      schema: "sample_service",
      migratorRole: "sample_service_migrator",
      appRole: "sample_service_app",
    });
  });

  it("refuses a name that is not kebab-case", () => {
    expect(() => serviceDatabaseRoles("Bad_Name")).toThrow(/service name "Bad_Name" is not kebab-case/);
  });

  it("refuses a name whose roles would exceed PostgreSQL's 63-byte identifiers", () => {
    expect(() => serviceDatabaseRoles(`a${"-b".repeat(30)}`)).toThrow(/too long for its database roles/);
  });
});

describe("derivedRolePassword", () => {
  it("is base64 sha256 of '<admin>:<role>' (what Terraform's base64sha256 computes)", () => {
    const expected = createHash("sha256").update("s3cret:sample_service_app").digest("base64");
    expect(derivedRolePassword("s3cret", "sample_service_app")).toBe(expected);
    expect(derivedRolePassword("s3cret", "sample_service_migrator")).not.toBe(expected);
  });

  it("refuses an empty admin password", () => {
    expect(() => derivedRolePassword("", "x_app")).toThrow(/admin password is empty/);
  });
});

describe("bootstrapSql", () => {
  const sql = bootstrapSql(serviceDatabaseRoles("sample-service"));

  it("reads the passwords from the environment, never from its text", () => {
    expect(sql).toContain("\\getenv migrator_password PLATFORM_MIGRATOR_PASSWORD");
    expect(sql).toContain("PASSWORD :'app_password'");
  });

  it("gives the schema to the migrator and only row privileges to the app role", () => {
    expect(sql).toContain(
      "CREATE SCHEMA IF NOT EXISTS sample_service AUTHORIZATION sample_service_migrator;",
    );
    expect(sql).toContain(
      "ALTER DEFAULT PRIVILEGES FOR ROLE sample_service_migrator IN SCHEMA sample_service GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO sample_service_app;",
    );
    expect(sql).not.toMatch(/GRANT (ALL|CREATE)[^;]*TO sample_service_app/);
  });

  it("grants CONNECT on the database it runs in, to its own roles only", () => {
    expect(sql).toContain(
      "SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database()) \\gexec",
    );
    expect(sql).toContain(
      "SELECT format('GRANT CONNECT ON DATABASE %I TO sample_service_migrator, sample_service_app', current_database()) \\gexec",
    );
  });
});
