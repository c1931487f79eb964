import { deployHistoryLines } from "./deploy-history";
import type { ServiceSection } from "./service-status";
import type { EnvironmentStatus } from "./status";

type Row = readonly [string, string];

const short = (digest: string | undefined) => (digest ? digest.slice(0, 19) : "-");

/** The rows of one service: what ECS runs, its image record, its migrations. */
function serviceRows(s: ServiceSection): Row[] {
  const rows: Row[] = [];
  if (s.service) {
    const v = s.service;
    rows.push(
      ["ecs service", `${v.service} in ${v.cluster} (${v.status})`],
      ["image digest", v.digest ?? `not pinned by digest: ${v.image}`],
      ["git sha", v.gitSha ?? "unknown"],
      ["task definition", `${v.taskDefinition.split("/").pop()} (revision ${v.taskDefinitionRevision})`],
      ["tasks", `running ${v.running} / desired ${v.desired} / pending ${v.pending}`],
      [
        "deployment",
        `${v.rolloutState ?? "n/a"}${v.rolloutStateReason ? `: ${v.rolloutStateReason}` : ""}${v.deployments > 1 ? ` (${v.deployments} deployments)` : ""}`,
      ],
    );
  } else rows.push(["ecs service", `none (${s.serviceNote ?? "unknown"})`]);
  if (s.imageRecord) {
    rows.push([
      "image record",
      `${short(s.imageRecord.reference.split("@")[1])} ${s.imageRecord.matchesRunning ? "(= running)" : "(differs from running: not deployed yet?)"}`,
    ]);
  }
  const m = s.migration;
  rows.push([
    "last migration",
    m.database
      ? `${String(m.database.version).padStart(3, "0")}_${m.database.name} at ${m.database.appliedAt} (${m.database.count} applied)`
      : `database: ${m.databaseNote ?? "not read"}`,
  ]);
  if (m.record) {
    rows.push([
      "last migrate run",
      `${m.record.succeeded ? "succeeded" : "FAILED"} exit ${m.record.exitCode ?? "?"} at ${m.record.startedAt ?? "?"} (${short(m.record.reference?.split("@")[1])})`,
    ]);
  }
  if (s.deploys) {
    const [first, ...rest] = deployHistoryLines(s.deploys);
    rows.push(["deploys", first], ...rest.map((line): Row => ["", line]));
  }
  return rows;
}

/** The environment's rows: last apply and drift. */
function environmentRows(s: EnvironmentStatus): Row[] {
  const rows: Row[] = [
    [
      "last apply",
      s.lastApply.at
        ? `${s.lastApply.at} (${s.lastApply.stack})${s.lastApply.commit ? ` commit ${s.lastApply.commit.slice(0, 12)}${s.lastApply.by ? ` by ${s.lastApply.by}` : ""}` : " commit unknown (no apply record)"}`
        : "never",
    ],
  ];
  if (s.drift) {
    const drifted = s.drift.filter((d) => d.drifted);
    const failed = s.drift.filter((d) => d.exitCode === 1);
    rows.push([
      "drift",
      failed.length
        ? `check failed for ${failed.map((d) => d.stack).join(", ")}`
        : drifted.length
          ? `YES: ${drifted.map((d) => `${d.stack} (${d.summary})`).join("; ")}`
          : "none (plan is empty)",
    ]);
    // Which resources drifted, one line each under the drift row.
    for (const d of drifted) for (const c of d.changes ?? []) rows.push(["", `${d.stack}: ${c}`]);
  } else rows.push(["drift", "not checked (--drift)"]);
  return rows;
}

/**
 * Plain text, no colour: the environment's "field  value" rows, then one block per service (a
 * `service <name>` heading and its rows, indented), then one line per stack.
 */
export function renderStatusTable(s: EnvironmentStatus): string {
  const head: Row[] = [["environment", `${s.environment} (${s.region})`], ...environmentRows(s)];
  const blocks = s.services.map((v) => ({ title: `service ${v.name} (${v.stack})`, rows: serviceRows(v) }));
  const indent = "  ";
  const width = Math.max(
    "stack".length,
    ...head.map(([k]) => k.length),
    ...blocks.flatMap((b) => b.rows.map(([k]) => k.length + indent.length)),
    ...s.stacks.map((st) => st.stack.length),
  );
  const line = (k: string, v: string) => `${k.padEnd(width)}  ${v}`;
  const lines = head.map(([k, v]) => line(k, v));
  if (blocks.length === 0) lines.push("", "no service stacks in this environment");
  for (const b of blocks) {
    lines.push("", b.title);
    for (const [k, v] of b.rows) lines.push(line(`${indent}${k}`, v));
  }
  lines.push("", line("stack", "state"));
  for (const st of s.stacks) {
    lines.push(
      line(
        st.stack,
        st.applied
          ? `serial ${st.serial}, ${st.resources} resources, written ${st.lastModified}`
          : "not applied",
      ),
    );
  }
  return `${lines.join("\n")}\n`;
}
