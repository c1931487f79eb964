import { renderStatusTable } from "./render";
import type { EnvironmentStatus, ServiceSection } from "./status";

const web: ServiceSection = {
  name: "sample-service",
  stack: "service-sample-service-dev",
  service: {
    cluster: "dev",
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
  imageRecord: { reference: `r/x@sha256:${"a".repeat(64)}`, gitSha: "abc1234", matchesRunning: true },
  migration: {
    database: { version: 3, name: "add_index", appliedAt: "2026-11-20T10:00:00.000Z", count: 3 },
    record: { succeeded: true, exitCode: 0, startedAt: "2026-11-21T08:59:00.000Z" },
  },
};

const worker: ServiceSection = {
  name: "post-worker",
  stack: "service-post-worker-dev",
  service: {
    ...(web.service as NonNullable<ServiceSection["service"]>),
    service: "dev-post-worker",
    image: `r/w@sha256:${"b".repeat(64)}`,
    digest: `sha256:${"b".repeat(64)}`,
    gitSha: "def5678",
    taskDefinition: "arn:aws:ecs:eu-west-1:1:task-definition/dev-post-worker:4",
    taskDefinitionRevision: 4,
    running: 1,
    desired: 1,
    rolloutState: "IN_PROGRESS",
  },
  migration: { databaseNote: "not read (pass --database-url)" },
};

const base: EnvironmentStatus = {
  environment: "dev",
  region: "eu-west-1",
  services: [worker, web],
  lastApply: {
    at: "2026-11-21T09:00:00.000Z",
    stack: "service-sample-service-dev",
    commit: "0123456789abcdef0123",
    by: "ci",
  },
  stacks: [
    {
      stack: "service-sample-service-dev",
      applied: true,
      lastModified: "2026-11-21T09:00:00.000Z",
      serial: 9,
      resources: 30,
    },
  ],
  drift: [
    { stack: "service-sample-service-dev", exitCode: 0, drifted: false, summary: "No changes.", changes: [] },
  ],
};

/** The lines of one service's block: from its heading to the next blank line. */
function block(text: string, service: string): string {
  const start = text.indexOf(`\nservice ${service} (`);
  expect(start).toBeGreaterThan(-1);
  const end = text.indexOf("\n\n", start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

describe("renderStatusTable", () => {
  it("prints each service's digest, git sha, revision, counts, rollout and migration under its heading", () => {
    const text = renderStatusTable(base);
    const s = block(text, "sample-service");
    expect(s).toMatch(/^\nservice sample-service \(service-sample-service-dev\)\n/);
    expect(s).toMatch(/\n {2}ecs service\s+dev-sample-service in dev \(ACTIVE\)/);
    expect(s).toMatch(/\n {2}image digest\s+sha256:a{64}/);
    expect(s).toMatch(/\n {2}git sha\s+abc1234/);
    expect(s).toMatch(/\n {2}task definition\s+dev-sample-service:12 \(revision 12\)/);
    expect(s).toMatch(/\n {2}tasks\s+running 2 \/ desired 2 \/ pending 0/);
    expect(s).toMatch(/\n {2}deployment\s+COMPLETED/);
    expect(s).toMatch(/\n {2}image record\s+sha256:aaaaaaaaaaaa \(= running\)/);
    expect(s).toMatch(/\n {2}last migration\s+003_add_index/);
    expect(s).toMatch(/\n {2}last migrate run\s+succeeded exit 0/);

    const w = block(text, "post-worker");
    expect(w).toMatch(/image digest\s+sha256:b{64}/);
    expect(w).toMatch(/task definition\s+dev-post-worker:4 \(revision 4\)/);
    expect(w).toMatch(/deployment\s+IN_PROGRESS/);
    expect(w).toMatch(/last migration\s+database: not read/);
    expect(w).not.toMatch(/sample-service/);
  });
  it("prints a service's last deploys under its rows, newest first, with rollbacks", () => {
    const deploy = {
      repository: "r/x",
      reference: `r/x@sha256:${"a".repeat(64)}`,
      digest: `sha256:${"a".repeat(64)}`,
      gitSha: "abc1234",
      version: "1.0.0",
      tag: "abc1234",
      pushedTo: "r/x",
      deployedAt: "2026-12-01T10:00:00.000Z",
      result: "succeeded" as const,
      kind: "deploy" as const,
      migrations: [],
    };
    const rolledBack = {
      ...deploy,
      deployedAt: "2026-12-02T10:00:00.000Z",
      kind: "rollback" as const,
      rolledBackFrom: `sha256:${"c".repeat(64)}`,
    };
    const withHistory: ServiceSection = {
      ...web,
      deploys: { file: "/h.json", total: 3, rollbacks: 1, entries: [rolledBack, deploy] },
    };
    const s = block(renderStatusTable({ ...base, services: [withHistory] }), "sample-service");
    expect(s).toMatch(/\n {2}deploys\s+last 2 of 3, 1 rollback\(s\) in all\n/);
    expect(s).toMatch(
      /\n\s+sha256:aaaaaaaaaaaa {2}abc1234 {7}2026-12-02T10:00:00.000Z {2}succeeded {2}rollback from sha256:cccccccccccc\n\s+sha256:aaaaaaaaaaaa {2}abc1234 {7}2026-12-01T10:00:00.000Z {2}succeeded {2}deploy/,
    );
  });
  it("prints the environment's last apply and drift once, before the services, and the stacks after", () => {
    const text = renderStatusTable(base);
    expect(text).toMatch(/^environment\s+dev \(eu-west-1\)\n/);
    expect(text).toMatch(
      /\nlast apply\s+2026-11-21T09:00:00.000Z \(service-sample-service-dev\) commit 0123456789ab by ci/,
    );
    expect(text).toMatch(/\ndrift\s+none/);
    expect(text.indexOf("drift")).toBeLessThan(text.indexOf("\nservice "));
    expect(text).toMatch(/\nstack\s+state\nservice-sample-service-dev\s+serial 9, 30 resources/);
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
  it("says why a service has nothing running", () => {
    const text = renderStatusTable({
      ...base,
      services: [{ ...web, service: undefined, serviceNote: "service-sample-service-dev is not applied" }],
    });
    expect(block(text, "sample-service")).toMatch(
      /ecs service\s+none \(service-sample-service-dev is not applied\)/,
    );
  });
  it("says so when the environment has no service stacks", () => {
    expect(renderStatusTable({ ...base, services: [] })).toMatch(/\nno service stacks in this environment\n/);
  });
});
