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
import type { StateSnapshot } from "../lib/state-objects";
import type { StateObject, SynthesizedService } from "../lib/synthesized-environment";
import { type RecentDeploys, readRecentDeploys } from "./deploy-history";
import type { AppliedMigration, MigrationStatus } from "./migration-info";

/** What ECS says one service runs. */
export interface ServiceStatus {
  readonly cluster: string;
  /** The ECS service's name, `<env>-<service>`. */
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

/** Everything status reports about one service of an environment. */
export interface ServiceSection {
  /** The service's name (apps/<name>/service.json). */
  readonly name: string;
  /** Its stack, `service-<name>-<env>`. */
  readonly stack: string;
  /** What ECS runs; absent when the service is not deployed (see `serviceNote`). */
  readonly service?: ServiceStatus;
  /** Why there is no `service` (not applied, no outputs, not in ECS). */
  readonly serviceNote?: string;
  /** The local `dist/deploy/<env>/<name>/image.json`, and whether it matches what runs. */
  readonly imageRecord?: {
    readonly reference: string;
    readonly gitSha: string;
    readonly matchesRunning: boolean;
  };
  /** The service's own migrate record, and the database's table when it was read. */
  readonly migration: MigrationStatus;
  /** Its last deploys in the environment (deploy history, newest first); absent when not read. */
  readonly deploys?: RecentDeploys;
}

/** What one service's section is gathered from. */
export interface ServiceSectionInput {
  readonly repoRoot: string;
  readonly env: string;
  readonly region: string;
  readonly service: SynthesizedService;
  /** The service stack's state object and snapshot, when the environment has one. */
  readonly state?: { readonly object: StateObject; readonly snapshot: StateSnapshot };
  /** Overrides where the ECS service is (tests; a hand-made environment). */
  readonly location?: ServiceLocation;
  /** The bucket of the environment's Terraform state, which holds its deploy history (AWS environments). */
  readonly stateBucket?: { readonly bucket: string; readonly region: string };
  /** `schema_migrations` as read (or why not): one database read serves every section. */
  readonly database: AppliedMigration | string;
  readonly environ: NodeJS.ProcessEnv;
}

/** A service's section and what ECS reported (the drift check pins the running digest). */
export interface CollectedService {
  readonly section: ServiceSection;
  readonly deployed?: DeployedService;
}

function serviceStatus(deployed: DeployedService, gitSha: string | undefined): ServiceStatus {
  return {
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
  };
}

/** Where the service runs according to its stack's state, or why that is unknown. */
function locate(input: ServiceSectionInput): { location?: ServiceLocation; note?: string } {
  if (input.location) return { location: input.location };
  const state = input.state;
  if (!state) return { note: `${input.service.stack} has no S3 state in this environment` };
  const where = `s3://${state.object.bucket}/${state.object.key}`;
  const location = locationFromOutputs(state.snapshot.outputs, input.region, where);
  if (location) return { location };
  return {
    note: state.snapshot.exists
      ? `${input.service.stack} state has no cluster_name/service_name outputs`
      : `${input.service.stack} is not applied`,
  };
}

/** Gathers one service's section from ECS, the registry and its own deploy records. */
export async function collectServiceSection(input: ServiceSectionInput): Promise<CollectedService> {
  const { environ, env, repoRoot } = input;
  const name = input.service.name;
  const found = locate(input);
  const deployed = found.location ? await describeDeployedService(found.location, environ) : undefined;
  const serviceNote =
    found.location && !deployed
      ? `ECS service ${found.location.service} not found in cluster ${found.location.cluster}`
      : found.note;

  let gitSha = deployed?.gitSha;
  if (deployed?.image && !gitSha) {
    gitSha = (await lookUpImage(deployed.image, { env: environ }).catch(() => undefined))?.gitSha;
  }
  const record: ImageRecord | undefined = readImageRecord(imageRecordFile(repoRoot, env, name));
  if (deployed?.image && !gitSha && record?.digest === deployed.image.digest) gitSha = record.gitSha;

  const migrationRecord = readMigrationRecord(migrationRecordFile(repoRoot, env, name));
  const migration: MigrationStatus =
    typeof input.database === "string"
      ? { record: migrationRecord, databaseNote: input.database }
      : { record: migrationRecord, database: input.database };

  return {
    deployed,
    section: {
      name,
      stack: input.service.stack,
      service: deployed ? serviceStatus(deployed, gitSha) : undefined,
      serviceNote: deployed ? undefined : serviceNote,
      imageRecord: record
        ? {
            reference: record.reference,
            gitSha: record.gitSha,
            matchesRunning: record.digest === deployed?.image?.digest,
          }
        : undefined,
      migration,
      deploys: await readRecentDeploys(repoRoot, env, name, input.stateBucket, environ),
    },
  };
}
