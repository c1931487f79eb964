import { spawnSync } from "node:child_process";
import { environmentsToPlan } from "../../github/affected-environments";
import type { CommandSpec } from "../command";
import { git, out, setGitHubOutput } from "../context";

export const affectedEnvironmentsCommand: CommandSpec = {
  summary: "JSON list of AWS environments a change needs planned (also to $GITHUB_OUTPUT)",
  options: {
    base: { type: "string", placeholder: "SHA", optional: true },
    head: { type: "string", placeholder: "SHA", optional: true },
  },
  async run(args, { workspace, environ }) {
    const base = args.values.base ?? environ.NX_BASE ?? "origin/main";
    const head = args.values.head ?? environ.NX_HEAD ?? "HEAD";
    const nx = spawnSync(
      "npx",
      ["nx", "show", "projects", "--affected", `--base=${base}`, `--head=${head}`, "--json"],
      {
        cwd: workspace,
        encoding: "utf8",
        env: { ...environ, NX_DAEMON: "false" },
      },
    );
    if (nx.status !== 0) throw new Error(`nx show projects --affected failed:\n${nx.stderr}`);
    const affected = JSON.parse(nx.stdout.trim().split("\n").pop() ?? "[]") as string[];
    const changed = git(workspace, ["diff", "--name-only", `${base}...${head}`])
      .split("\n")
      .filter(Boolean);
    const envs = environmentsToPlan(affected, changed);
    setGitHubOutput(environ, "environments", JSON.stringify(envs));
    out(JSON.stringify(envs));
    return 0;
  },
};
