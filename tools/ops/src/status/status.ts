import {
  type ImageRecord,
  imageRecordFile,
  migrationRecordFile,
  readImageRecord,
  readMigrationRecord,
} from "../lib/deploy-records";
import { type DeployedService, describeDeployedService, type ServiceLocation } from "../lib/deployed-service";
import { locationFromOutputs } from "../lib/locate-service";
import { lookUpImage } from "../lib/registry";
import { readStateObject, type StateSnapshot } from "../lib/state-objects";
import type { SynthesizedEnvironment } from "../lib/synthesized-environment";
import { type ApplyRecord, readApplyRecord } from "./apply-record";
import type { StackDrift } from "./drift";
import { type MigrationStatus, readAppliedMigration } from "./migration-info";

/** Everything `stacks:status` reports about one environment. */
export interface EnvironmentStatus {
  readonly environment: string;
  readonly region: string;
  readonly service?: ServiceStatus;
  /** Why there is no service section (not applied, no outputs). */
  readonly serviceNote?: string;
  /** The local `dist/deploy/<env>/image.json`, and whether it matches what runs. */
  readonly imageRecord?: {
    readonly reference: string;
    readonly gitSha: string;
    readonly matchesRunning: boolean;
  };
  readonly migration: MigrationStatus;
  readonly lastApply: LastApply;
  readonly stacks: readonly StackStateStatus[];
  /** Present when drift was checked (`--drift`). */
  readonly drift?: readonly StackDrift[];
}

export interface ServiceStatus {
  readonly cluster: string;
  readonly service: string;
  readonly status: string;
  readonly image: string;
  readonly digest?: string;
  readonly gitSha?: string;
  readonly taskDefinition: string;
  readonly taskDefinitionRevision: number;
  readonly running: number;
  readonly desired: number;
  readonly pending: number;
  /** PRIMARY deployment's rollout state (IN_PROGRESS, COMPLETED, FAILED). */
  readonly rolloutState?: string;
  readonly rolloutStateReason?: string;
  readonly deployments: number;
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
  /** Overrides where the service is (tests; operators with a hand-made environment). @default from the service stack's state */
  readonly location?: ServiceLocation;
  /**
   * Connection string of the environment's database for its `schema_migrations` table; undefined = do
   * not connect (a private RDS is unreachable from most places). @default undefined
   */
  readonly databaseUrl?: string;
  /** Runs the drift check once the running digest is known. @default no drift check */
  readonly drift?: (running: DeployedService | undefined) => Promise<StackDrift[]>;
  readonly environ?: NodeJS.ProcessEnv;
}

function newest(snaps: readonly StateSnapshot[]): StateSnapshot | undefined {
  return snaps
    .filter((s) => s.exists && s.lastModified)
    .sort((a, b) => (a.lastModified as string).localeCompare(b.lastModified as string))
    .pop();
}

/** Gathers an environment's status from ECS, the registry, the state objects and the deploy records. */
export async function collectStatus(options: StatusOptions): Promise<EnvironmentStatus> {
  const environ = options.environ ?? process.env;
  const synth = options.synthesized;
  const env = synth.env;
  const snaps = await Promise.all(synth.stateObjects.map((o) => readStateObject(o, environ)));
  const serviceSnap = snaps.find((s) => s.stack === synth.serviceStack);

  let location = options.location;
  let serviceNote: string | undefined;
  if (!location && serviceSnap) {
    const obj = synth.stateObjects.find((o) => o.stack === serviceSnap.stack);
    location = locationFromOutputs(serviceSnap.outputs, synth.region, `s3://${obj?.bucket}/${obj?.key}`);
    if (!location) {
      serviceNote = serviceSnap.exists
        ? `${serviceSnap.stack} state has no cluster_name/service_name outputs`
        : `${serviceSnap.stack} is not applied`;
    }
  } else if (!location) serviceNote = "no service stack in this environment";

  const deployed = location ? await describeDeployedService(location, environ) : undefined;
  if (location && !deployed)
    serviceNote = `ECS service ${location.service} not found in cluster ${location.cluster}`;

  let gitSha = deployed?.gitSha;
  if (deployed?.image && !gitSha) {
    gitSha = (await lookUpImage(deployed.image, { env: environ }).catch(() => undefined))?.gitSha;
  }
  const record: ImageRecord | undefined = readImageRecord(imageRecordFile(options.repoRoot, env));
  if (deployed?.image && !gitSha && record?.digest === deployed.image.digest) gitSha = record.gitSha;

  const migration: MigrationStatus = {
    record: readMigrationRecord(migrationRecordFile(options.repoRoot, env)),
  };
  let migrationOut: MigrationStatus = { ...migration, databaseNote: "not read (pass --database-url)" };
  if (options.databaseUrl !== undefined) {
    const applied = await readAppliedMigration(options.databaseUrl || undefined);
    migrationOut =
      typeof applied === "string"
        ? { ...migration, databaseNote: applied }
        : { ...migration, database: applied };
  }

  const stateOfService =
    synth.stateObjects.find((o) => o.stack === synth.serviceStack) ?? synth.stateObjects[0];
  const applyRecord: ApplyRecord | undefined = stateOfService
    ? await readApplyRecord(stateOfService.bucket, stateOfService.region, env, environ)
    : undefined;
  const last = newest(snaps);

  const drift = options.drift ? await options.drift(deployed) : undefined;

  return {
    environment: env,
    region: synth.region,
    service: deployed
      ? {
          cluster: deployed.location.cluster,
          service: deployed.location.service,
          status: deployed.status,
          image: deployed.imageUri,
          digest: deployed.image?.digest,
          gitSha,
          taskDefinition: deployed.taskDefinitionArn,
          taskDefinitionRevision: deployed.revision,
          running: deployed.running,
          desired: deployed.desired,
          pending: deployed.pending,
          rolloutState: deployed.primary?.rolloutState,
          rolloutStateReason: deployed.primary?.rolloutStateReason,
          deployments: deployed.deployments.length,
        }
      : undefined,
    serviceNote,
    imageRecord: record
      ? {
          reference: record.reference,
          gitSha: record.gitSha,
          matchesRunning: record.digest === deployed?.image?.digest,
        }
      : undefined,
    migration: migrationOut,
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
