import type { TaskDefinition } from "@aws-sdk/client-ecs";
import { awslogsLocation, migrationContainerName, taskDefinitionWithImage } from "./task-definition";

const REF = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/sample-service@sha256:${"c".repeat(64)}`;

const current: TaskDefinition = {
  taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/app-dev-migrate:3",
  family: "app-dev-migrate",
  revision: 3,
  status: "ACTIVE",
  networkMode: "awsvpc",
  requiresCompatibilities: ["FARGATE"],
  compatibilities: ["EC2", "FARGATE"],
  cpu: "256",
  memory: "512",
  executionRoleArn: "arn:aws:iam::123456789012:role/exec",
  taskRoleArn: "arn:aws:iam::123456789012:role/task",
  registeredBy: "someone",
  containerDefinitions: [
    {
      name: "migrate",
      image: "old@sha256:0",
      memory: 512,
      command: ["node", "dist/migrate.js"],
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": "/ecs/app-dev",
          "awslogs-stream-prefix": "migrate",
          "awslogs-region": "eu-west-1",
        },
      },
    },
    { name: "sidecar", image: "sidecar:1", memory: 64 },
  ],
};

describe("taskDefinitionWithImage", () => {
  const input = taskDefinitionWithImage(current, [{ key: "Project", value: "p" }], "migrate", REF);

  it("swaps the image of the migration container only", () => {
    expect(input.containerDefinitions?.map((c) => [c.name, c.image])).toEqual([
      ["migrate", REF],
      ["sidecar", "sidecar:1"],
    ]);
  });

  it("keeps the family, roles, sizes, network mode, command and log settings", () => {
    expect(input).toMatchObject({
      family: "app-dev-migrate",
      executionRoleArn: "arn:aws:iam::123456789012:role/exec",
      taskRoleArn: "arn:aws:iam::123456789012:role/task",
      cpu: "256",
      memory: "512",
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      tags: [{ key: "Project", value: "p" }],
    });
    expect(input.containerDefinitions?.[0].command).toEqual(["node", "dist/migrate.js"]);
    expect(input.containerDefinitions?.[0].logConfiguration?.options?.["awslogs-group"]).toBe("/ecs/app-dev");
  });

  it("drops the read-only fields RegisterTaskDefinition refuses", () => {
    for (const k of ["taskDefinitionArn", "revision", "status", "compatibilities", "registeredBy"]) {
      expect(input).not.toHaveProperty(k);
    }
  });

  it("refuses an image that is not pinned by digest", () => {
    expect(() => taskDefinitionWithImage(current, [], "migrate", "repo:latest")).toThrow(/by digest/);
  });

  it("names the containers when the migration container is missing", () => {
    expect(() => taskDefinitionWithImage(current, [], "db-migrate", REF)).toThrow(
      /no container "db-migrate".*migrate, sidecar/,
    );
  });
});

describe("awslogsLocation", () => {
  it("is <prefix>/<container>/<task-id> in the container's log group", () => {
    expect(
      awslogsLocation(current, "migrate", "arn:aws:ecs:eu-west-1:123456789012:task/app-dev/0123abcd"),
    ).toEqual({ group: "/ecs/app-dev", stream: "migrate/migrate/0123abcd", region: "eu-west-1" });
  });

  it("is undefined for a container without the awslogs driver", () => {
    expect(awslogsLocation(current, "sidecar", "arn:x/task/1")).toBeUndefined();
  });
});

describe("migrationContainerName", () => {
  it("takes the name the stacks exported", () => {
    expect(migrationContainerName(current, "migrate")).toBe("migrate");
  });

  it("falls back to the only container when the name output is missing", () => {
    expect(migrationContainerName({ family: "f", containerDefinitions: [{ name: "app" }] })).toBe("app");
  });

  it("refuses to guess among several containers", () => {
    expect(() => migrationContainerName(current)).toThrow(
      /"migration_container_name" is missing .* 2 containers \(migrate, sidecar\)/,
    );
  });
});
