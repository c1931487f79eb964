import { parseAwsEnvironment } from "../../lib/environments";
import { locateService } from "../../lib/locate-service";
import { promote } from "../../promote/promote";
import type { CommandSpec } from "../command";
import { bytesRegistry, info, out, requireValue, setGitHubOutput, synthOrUndefined } from "../context";
import { resolveServiceOption, SERVICE_OPTION } from "../service-option";

export const promoteCommand: CommandSpec = {
  summary: `promote the digest a service RUNS in --from (ECS) to --to: verify it is in the registry, write
dist/deploy/<to>/<service>/image.json; only dev -> staging -> prod, one step at a time;
--expect-revision refuses an image not built from that commit (ECS, registry and record must agree);
--service defaults to the only service with a deploy chain`,
  options: {
    // Defaults to dev; usage shows it unbracketed, as the usual form of the command.
    from: { type: "string", placeholder: "dev" },
    to: { type: "string", placeholder: "staging" },
    service: SERVICE_OPTION,
    "expect-digest": { type: "string", placeholder: "sha256:..", optional: true },
    "expect-revision": { type: "string", placeholder: "<git-sha>", optional: true },
    "dry-run": { type: "boolean", optional: true },
    emulator: { type: "boolean", optional: true },
    json: { type: "boolean", optional: true },
  },
  async run(args, { repoRoot, workspace, environ }) {
    const from = parseAwsEnvironment(args.values.from ?? "dev", "--from");
    const to = parseAwsEnvironment(requireValue(args, "to"), "--to");
    const service = (await resolveServiceOption(args, { workspace, environ, env: `${from} -> ${to}` })).name;
    const result = await promote({
      from,
      to,
      service,
      repoRoot,
      expectDigest: args.values["expect-digest"],
      expectRevision: args.values["expect-revision"],
      dryRun: args.flags.has("dry-run"),
      bytesRegistry: bytesRegistry(environ),
      environ,
      log: info,
      locate: (env) =>
        locateService(env, {
          repoRoot: workspace,
          service,
          synthesized: synthOrUndefined(workspace, env, environ),
          environ,
        }),
    });
    setGitHubOutput(environ, "service", service);
    setGitHubOutput(environ, "digest", result.record.digest);
    setGitHubOutput(environ, "reference", result.record.reference);
    if (args.flags.has("json")) out(JSON.stringify(result, null, 2));
    else
      out(
        `${service} ${from} -> ${to}: ${result.record.reference} (git ${result.record.gitSha})${result.written ? "" : " [dry run]"}`,
      );
    return 0;
  },
};
