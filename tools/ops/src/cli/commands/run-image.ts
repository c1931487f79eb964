import { imageRecordFile, readImageRecord } from "../../lib/deploy-records";
import { describeDeployedService } from "../../lib/deployed-service";
import { parseEnvironment } from "../../lib/environments";
import { parseImageReference } from "../../lib/image-reference";
import { locateService } from "../../lib/locate-service";
import { runImage, stopRunImage } from "../../run-image/run-image";
import type { CommandSpec } from "../command";
import { bytesRegistry, info, out, requireValue, synthOrUndefined } from "../context";
import { resolveServiceOption, SERVICE_OPTION } from "../service-option";

export const runImageCommand: CommandSpec = {
  summary: `pull the digest a service runs in <env> and run it on 127.0.0.1 against a throwaway local
PostgreSQL; --service defaults to the Nx project, else the only service with a deploy chain`,
  options: {
    env: { type: "string", placeholder: "<env>" },
    service: SERVICE_OPTION,
    port: { type: "string", placeholder: "8080", optional: true },
    detach: { type: "boolean", optional: true },
    stop: { type: "boolean", optional: true },
    emulator: { type: "boolean", optional: true },
    "from-record": { type: "boolean", optional: true },
  },
  async run(args, { repoRoot, workspace, environ }) {
    const env = parseEnvironment(requireValue(args, "env"), "--env");
    // One local run per environment (the containers are named after it): stopping needs no service.
    if (args.flags.has("stop")) {
      stopRunImage(env, environ);
      out(`stopped the run-image containers of ${env}`);
      return 0;
    }
    const service = (await resolveServiceOption(args, { workspace, environ, env })).name;
    const port = Number(args.values.port ?? "8080");
    let deployed: Awaited<ReturnType<typeof describeDeployedService>>;
    let image: ReturnType<typeof parseImageReference>;
    if (env === "local" || args.flags.has("from-record")) {
      const file = imageRecordFile(repoRoot, env, service);
      const record = readImageRecord(file);
      if (!record)
        throw new Error(
          `${file} does not exist: deploy ${service} to ${env} first (npx nx run ${service}:deploy -c ${env}).`,
        );
      image = parseImageReference(record.reference, file);
    } else {
      const location = await locateService(env, {
        repoRoot: workspace,
        service,
        synthesized: synthOrUndefined(workspace, env, environ),
        environ,
      });
      deployed = await describeDeployedService(location, environ);
      if (!deployed?.image)
        throw new Error(
          `${service} in ${env} runs no image pinned by digest (${deployed?.imageUri ?? "no service"}).`,
        );
      image = deployed.image;
    }
    info(`${service} in ${env} runs ${image.reference}`);
    const result = await runImage({
      env,
      service,
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
