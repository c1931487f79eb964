import { renderStatusTable } from "./render";
import type { EnvironmentStatus } from "./status";

const base: EnvironmentStatus = {
  environment: "dev",
  region: "eu-west-1",
  service: {
    cluster: "dev-sample-service",
    service: "dev-sample-service",
    status: "ACTIVE",
    image: `r/x@sha256:${"a".repeat(64)}`,
    digest: `sha256:${"a".repeat(64)}`,
    gitSha: "abc1234",
    taskDefinition: "arn:aws:ecs:eu-west-1:1:task-definition/dev-sample-service:12",
    taskDefinitionRevision: 12,
    running: 2,
    desired: 2,
    pending: 0,
    rolloutState: "COMPLETED",
    deployments: 1,
  },
  migration: { database: { version: 3, name: "add_index", appliedAt: "2026-11-20T10:00:00.000Z", count: 3 } },
  lastApply: {
    at: "2026-11-21T09:00:00.000Z",
    stack: "service-dev",
    commit: "0123456789abcdef0123",
    by: "ci",
  },
  stacks: [
    {
      stack: "service-dev",
      applied: true,
      lastModified: "2026-11-21T09:00:00.000Z",
      serial: 9,
      resources: 30,
    },
  ],
  drift: [{ stack: "service-dev", exitCode: 0, drifted: false, summary: "No changes.", changes: [] }],
};

describe("renderStatusTable", () => {
  it("prints digest, git sha, revision, counts, rollout, migration, last apply and drift", () => {
    const text = renderStatusTable(base);
    expect(text).toMatch(/image digest\s+sha256:a{64}/);
    expect(text).toMatch(/git sha\s+abc1234/);
    expect(text).toMatch(/task definition\s+dev-sample-service:12 \(revision 12\)/);
    expect(text).toMatch(/tasks\s+running 2 \/ desired 2 \/ pending 0/);
    expect(text).toMatch(/deployment\s+COMPLETED/);
    expect(text).toMatch(/last migration\s+003_add_index/);
    expect(text).toMatch(/last apply\s+2026-11-21T09:00:00.000Z \(service-dev\) commit 0123456789ab by ci/);
    expect(text).toMatch(/drift\s+none/);
  });
  it("flags drift by stack", () => {
    const text = renderStatusTable({
      ...base,
      drift: [
        {
          stack: "network-dev",
          exitCode: 2,
          drifted: true,
          summary: "Plan: 0 to add, 1 to change, 0 to destroy.",
          changes: ["aws_vpc.network_vpc_1A2B3C4D will be updated in-place"],
        },
      ],
    });
    expect(text).toMatch(/drift\s+YES: network-dev \(Plan: 0 to add, 1 to change/);
    expect(text).toMatch(/\n\s+network-dev: aws_vpc.network_vpc_1A2B3C4D will be updated in-place\n/);
  });
  it("says why there is no service", () => {
    expect(
      renderStatusTable({ ...base, service: undefined, serviceNote: "service-dev is not applied" }),
    ).toMatch(/service\s+none \(service-dev is not applied\)/);
  });
});
