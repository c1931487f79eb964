import { localMigrationRunArgs } from "./local-run-args";

describe("localMigrationRunArgs", () => {
  const args = localMigrationRunArgs({
    name: "migrate-local-1",
    network: "platform-local",
    envKeys: ["PGPASSWORD", "PGHOST"],
    image: "127.0.0.1:5001/sample-service@sha256:abc",
    command: ["node", "dist/migrate.js"],
    labels: { "platform.migration": "local" },
  });

  it("runs once, removed afterwards, on the environment's network", () => {
    expect(args.slice(0, 6)).toEqual([
      "run",
      "--rm",
      "--name",
      "migrate-local-1",
      "--network",
      "platform-local",
    ]);
  });

  it("passes variable names only, so secrets never appear on a command line", () => {
    expect(args).toEqual(expect.arrayContaining(["--env", "PGHOST", "--env", "PGPASSWORD"]));
    expect(args.join(" ")).not.toContain("=secret");
  });

  it("ends with the image by digest and the migrate command", () => {
    expect(args.slice(-3)).toEqual(["127.0.0.1:5001/sample-service@sha256:abc", "node", "dist/migrate.js"]);
  });

  it("refuses a malformed variable name", () => {
    expect(() =>
      localMigrationRunArgs({
        name: "n",
        network: "n",
        envKeys: ["A=B"],
        image: "i",
        command: ["x"],
        labels: {},
      }),
    ).toThrow(/Not an environment variable name/);
  });
});
