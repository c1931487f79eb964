import type { EnvironmentStatus } from "./status";

const short = (digest: string | undefined) => (digest ? digest.slice(0, 19) : "-");

/** Two-column "field  value" table of one environment, then one line per stack. Plain text, no colour. */
export function renderStatusTable(s: EnvironmentStatus): string {
  const rows: Array<[string, string]> = [["environment", `${s.environment} (${s.region})`]];
  if (s.service) {
    const v = s.service;
    rows.push(
      ["service", `${v.service} in ${v.cluster} (${v.status})`],
      ["image digest", v.digest ?? `not pinned by digest: ${v.image}`],
      ["git sha", v.gitSha ?? "unknown"],
      ["task definition", `${v.taskDefinition.split("/").pop()} (revision ${v.taskDefinitionRevision})`],
      ["tasks", `running ${v.running} / desired ${v.desired} / pending ${v.pending}`],
      [
        "deployment",
        `${v.rolloutState ?? "n/a"}${v.rolloutStateReason ? `: ${v.rolloutStateReason}` : ""}${v.deployments > 1 ? ` (${v.deployments} deployments)` : ""}`,
      ],
    );
  } else rows.push(["service", `none (${s.serviceNote ?? "unknown"})`]);
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
  rows.push([
    "last apply",
    s.lastApply.at
      ? `${s.lastApply.at} (${s.lastApply.stack})${s.lastApply.commit ? ` commit ${s.lastApply.commit.slice(0, 12)}${s.lastApply.by ? ` by ${s.lastApply.by}` : ""}` : " commit unknown (no apply record)"}`
      : "never",
  ]);
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
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  lines.push("", `${"stack".padEnd(width)}  state`);
  for (const st of s.stacks) {
    lines.push(
      `${st.stack.padEnd(width)}  ${st.applied ? `serial ${st.serial}, ${st.resources} resources, written ${st.lastModified}` : "not applied"}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
