import type { DeployedService, ServiceLocation } from "../lib/deployed-service";
import { readStateObject, type StateSnapshot } from "../lib/state-objects";
import { type StateObject, type SynthesizedEnvironment, servicesOf } from "../lib/synthesized-environment";
import { type ApplyRecord, readApplyRecord } from "./apply-record";
import type { StackDrift } from "./drift";
import { type AppliedMigration, readAppliedMigration } from "./migration-info";
import { collectServiceSection, type ServiceSection } from "./service-status";

export type { ServiceSection, ServiceStatus } from "./service-status";

/** Everything `stacks:status` reports about one environment: the environment's stacks, then each service. */
export interface EnvironmentStatus {
  readonly environment: string;
  readonly region: string;
  /** One section per service of the environment (or only `--service`'s), sorted by service name. */
  readonly services: readonly ServiceSection[];
  readonly lastApply: LastApply;
  /** The environment's stacks with S3 state (with `--service`: the shared ones and that service's). */
  readonly stacks: readonly StackStateStatus[];
  /** Present when drift was checked (`--drift`), for the same stacks as `stacks`. */
  readonly drift?: readonly StackDrift[];
}

export interface LastApply {
  /** Newest LastModified of the environment's state objects. */
  readonly at?: string;
  /** The stack whose state changed last. */
  readonly stack?: string;
  /** From the apply record CI writes beside the state. */
  readonly commit?: string;
  readonly by?: string;
  readonly recordAt?: string;
}

export interface StackStateStatus {
  readonly stack: string;
  readonly applied: boolean;
  readonly lastModified?: string;
  readonly serial?: number;
  readonly resources?: number;
}

export interface StatusOptions {
  readonly repoRoot: string;
  readonly synthesized: SynthesizedEnvironment;
  /** Only this service's section and stacks (`--service`); unknown names throw listing the services. @default every service */
  readonly service?: string;
  /** Overrides where a service is, by service name (tests; a hand-made environment). @default from its stack's state */
  readonly locations?: Readonly<Record<string, ServiceLocation>>;
  /**
   * Connection string of the environment's database for its `schema_migrations` table; undefined = do
   * not connect (a private RDS is unreachable from most places). @default undefined
   */
  readonly databaseUrl?: string;
  /**
   * Runs the drift check of `stacks` once each service's running digest is known (by service name).
   * @default no drift check
   */
  readonly drift?: (
    stacks: readonly StateObject[],
    running: ReadonlyMap<string, DeployedService | undefined>,
  ) => Promise<StackDrift[]>;
  readonly environ?: NodeJS.ProcessEnv;
}

function newest(snaps: readonly StateSnapshot[]): StateSnapshot | undefined {
  return snaps
    .filter((s) => s.exists && s.lastModified)
    .sort((a, b) => (a.lastModified as string).localeCompare(b.lastModified as string))
    .pop();
}

/** The database's migrations, read once for every section (one `--database-url` per invocation). */
async function readDatabase(databaseUrl: string | undefined): Promise<AppliedMigration | string> {
  if (databaseUrl === undefined) return "not read (pass --database-url)";
  return readAppliedMigration(databaseUrl || undefined);
}

/** Gathers an environment's status from ECS, the registry, the state objects and the deploy records. */
export async function collectStatus(options: StatusOptions): Promise<EnvironmentStatus> {
  const environ = options.environ ?? process.env;
  const synth = options.synthesized;
  const env = synth.env;
  const services = servicesOf(synth, options.service);
  // With --service, another service's stack is out of scope: its state, drift and apply time.
  const otherStacks = new Set(synth.services.filter((s) => !services.includes(s)).map((s) => s.stack));
  const objects = synth.stateObjects.filter((o) => !otherStacks.has(o.stack));
  const snaps = await Promise.all(objects.map((o) => readStateObject(o, environ)));
  const database = await readDatabase(options.databaseUrl);

  // The apply record and the deploy histories are per environment, beside the service stacks' state
  // (record-apply and the deploy chain write them there).
  const recordState =
    synth.stateObjects.find((o) => synth.services.some((s) => s.stack === o.stack)) ?? synth.stateObjects[0];

  const collected = await Promise.all(
    services.map((service) => {
      const i = objects.findIndex((o) => o.stack === service.stack);
      return collectServiceSection({
        repoRoot: options.repoRoot,
        env,
        region: synth.region,
        service,
        state: i >= 0 ? { object: objects[i], snapshot: snaps[i] } : undefined,
        location: options.locations?.[service.name],
        stateBucket: recordState,
        database,
        environ,
      });
    }),
  );

  const applyRecord: ApplyRecord | undefined = recordState
    ? await readApplyRecord(recordState.bucket, recordState.region, env, environ)
    : undefined;
  const last = newest(snaps);

  const running = new Map(collected.map((c) => [c.section.name, c.deployed]));
  const drift = options.drift ? await options.drift(objects, running) : undefined;

  return {
    environment: env,
    region: synth.region,
    services: collected.map((c) => c.section),
    lastApply: {
      at: last?.lastModified,
      stack: last?.stack,
      commit: applyRecord?.commit,
      by: applyRecord?.by,
      recordAt: applyRecord?.appliedAt,
    },
    stacks: snaps.map((s) => ({
      stack: s.stack,
      applied: s.exists,
      lastModified: s.lastModified,
      serial: s.serial,
      resources: s.resourceCount,
    })),
    drift,
  };
}
