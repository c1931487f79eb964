import type { DeployHistoryEntry } from "@platform/toolchain";
import { deployHistoryLines, recentDeploys } from "./deploy-history";

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const entry = (i: number, over: Partial<DeployHistoryEntry> = {}): DeployHistoryEntry => ({
  digest: digest(String(i)),
  repository: "r/x",
  reference: `r/x@${digest(String(i))}`,
  gitSha: `${i}`.repeat(40),
  version: "1.0.0",
  tag: `${i}`.repeat(7),
  pushedTo: "r/x",
  deployedAt: `2026-12-0${i}T10:00:00.000Z`,
  result: "succeeded",
  kind: "deploy",
  migrations: [],
  ...over,
});

describe("recentDeploys / deployHistoryLines", () => {
  it("shows the newest five, newest first, with results, kinds and the rollback count", () => {
    const history = [
      entry(1),
      entry(2),
      entry(3),
      entry(4, { result: "failed" }),
      entry(5),
      entry(6),
      entry(7, { kind: "rollback", rolledBackFrom: digest("6") }),
    ];
    const recent = recentDeploys("/h.json", history);
    expect(recent.entries.map((e) => e.deployedAt.slice(8, 10))).toEqual(["07", "06", "05", "04", "03"]);
    expect(deployHistoryLines(recent)).toEqual([
      "last 5 of 7, 1 rollback(s) in all",
      `sha256:777777777777  777777777777  2026-12-07T10:00:00.000Z  succeeded  rollback from sha256:666666666666`,
      `sha256:666666666666  666666666666  2026-12-06T10:00:00.000Z  succeeded  deploy`,
      `sha256:555555555555  555555555555  2026-12-05T10:00:00.000Z  succeeded  deploy`,
      `sha256:444444444444  444444444444  2026-12-04T10:00:00.000Z  FAILED     deploy`,
      `sha256:333333333333  333333333333  2026-12-03T10:00:00.000Z  succeeded  deploy`,
    ]);
  });

  it("says where it looked when nothing was recorded", () => {
    expect(deployHistoryLines(recentDeploys("/h.json", []))).toEqual(["none recorded (/h.json)"]);
  });
});
