/** `--service NAME` of the commands that act on one service's records and stack (promote, release, run-image). */
import { loadServiceSummaries, type ServiceSummary, selectService } from "../lib/services";
import type { CommandArgs, OptionSpec } from "./command";

/** The option as the command table declares it. */
export const SERVICE_OPTION: OptionSpec = { type: "string", placeholder: "NAME", optional: true };

/**
 * The service a command acts on: `--service`, else the Nx project the command runs as a target of when
 * that project is a service (`nx run <service>:run-image` needs no flag), else the environment's only
 * service with a deploy chain. Otherwise a named error lists the services and the flag.
 */
export async function resolveServiceOption(
  args: CommandArgs,
  where: { readonly workspace: string; readonly environ: NodeJS.ProcessEnv; readonly env: string },
  load: (workspace: string) => Promise<readonly ServiceSummary[]> = loadServiceSummaries,
): Promise<ServiceSummary> {
  const services = await load(where.workspace);
  const project = where.environ.NX_TASK_TARGET_PROJECT?.trim();
  const fromProject = services.some((s) => s.name === project) ? project : undefined;
  return selectService(services, args.values.service ?? fromProject, {
    command: args.command,
    env: where.env,
  });
}
