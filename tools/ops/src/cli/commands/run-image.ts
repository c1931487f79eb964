import { imageRecordFile, readImageRecord } from "../../lib/deploy-records";
import { describeDeployedService } from "../../lib/deployed-service";
import { parseEnvironment } from "../../lib/environments";
import { parseImageReference } from "../../lib/image-reference";
import { locateService } from "../../lib/locate-service";
import { runImage, stopRunImage } from "../../run-image/run-image";
import type { CommandSpec } from "../command";
import { bytesRegistry, info, out, requireValue, synthOrUndefined } from "../context";

export const runImageCommand: CommandSpec = {
  summary: "pull the digest deployed in <env> and run it on 127.0.0.1 against a throwaway local PostgreSQL",
  options: {
    env: { type: "string", placeholder: "<env>" },
    port: { type: "string", placeholder: "8080", optional: true },
    detach: { type: "boolean", optional: true },
    stop: { type: "boolean", optional: true },
    emulator: { type: "boolean", optional: true },
    "from-record": { type: "boolean", optional: true },
  },
  async run(args, { repoRoot, workspace, environ }) {
    const env = parseEnvironment(requireValue(args, "env"), "--env");
    if (args.flags.has("stop")) {
      stopRunImage(env, environ);
      out(`stopped the run-image containers of ${env}`);
      return 0;
    }
    const port = Number(args.values.port ?? "8080");
    let deployed: Awaited<ReturnType<typeof describeDeployedService>>;
    let image: ReturnType<typeof parseImageReference>;
    if (env === "local" || args.flags.has("from-record")) {
      const file = imageRecordFile(repoRoot, env);
      const record = readImageRecord(file);
      if (!record)
        throw new Error(
          `${file} does not exist: deploy ${env} first (npx nx run sample-service:deploy -c ${env}).`,
        );
      image = parseImageReference(record.reference, file);
    } else {
      const location = await locateService(env, {
        repoRoot: workspace,
        synthesized: synthOrUndefined(workspace, env, environ),
        environ,
      });
      deployed = await describeDeployedService(location, environ);
      if (!deployed?.image)
        throw new Error(`${env} runs no image pinned by digest (${deployed?.imageUri ?? "no service"}).`);
      image = deployed.image;
    }
    info(`${env} runs ${image.reference}`);
    const result = await runImage({
      env,
      deployed,
      image,
      bytesRegistry: env === "local" ? undefined : bytesRegistry(environ),
      postgresImage: environ.POSTGRES_BASE_IMAGE || "postgres:16-bookworm",
      hostPort: port,
      detach: args.flags.has("detach"),
      environ,
      log: info,
    });
    out(result.url);
    return 0;
  },
};
