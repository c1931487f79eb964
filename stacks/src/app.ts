import * as fs from "node:fs";
import * as path from "node:path";
import {
  type AwsEnvironmentConfig,
  assertServicesFitEnvironment,
  type LocalEnvironmentConfig,
  loadServiceDefinitions,
  type ServiceDefinition,
  type SharedConfig,
} from "@platform/env-config";
import { App, type TerraformStack } from "cdktf";
import { ENVIRONMENT_NAMES, type EnvironmentName, loadEnvironmentConfig, loadSharedConfig } from "./config";
import { type ImageInput, PROXY_IMAGE, resolveImageInput, SERVICE_IMAGE } from "./image-input";
import { findRepoRoot, type PlatformSettings, settingsFromEnv } from "./settings";
import { BootstrapStack } from "./stacks/bootstrap-stack";
import { DatabaseStack } from "./stacks/database-stack";
import { LocalAppStack } from "./stacks/local-app-stack";
import { LocalDataStack, localDataVolumeName } from "./stacks/local-data-stack";
import { NetworkStack } from "./stacks/network-stack";
import { RegistryStack } from "./stacks/registry-stack";
import { ServiceStack } from "./stacks/service-stack";

/** Name of the stack that creates the state bucket (local state, applied by `bootstrap` only). */
export const BOOTSTRAP_STACK = "bootstrap";
/** Name of the registry stack shared by the AWS environments. */
export const REGISTRY_STACK = "registry";

/** State keys: `<env>/<layer>.tfstate`; the shared registry under `shared/`. */
export function stateKey(env: string, layer: string): string {
  return `${env}/${layer}.tfstate`;
}
export const REGISTRY_STATE_KEY = "shared/registry.tfstate";

export interface EnvironmentStacksOptions {
  readonly env: EnvironmentName;
  /** Process environment to read settings and image inputs from. @default process.env */
  readonly environ?: NodeJS.ProcessEnv;
  /** Local env: let destroy delete the data volume. @default false */
  readonly allowDataDestroy?: boolean;
}

/** What was defined for an environment. */
export interface EnvironmentStacks {
  readonly env: EnvironmentName;
  readonly kind: "aws" | "local";
  /** Stacks in dependency order (bootstrap first for AWS environments). */
  readonly stacks: readonly TerraformStack[];
  /** The service image the stacks were synthesized with (a placeholder when none was pushed). */
  readonly image: ImageInput;
  /** Local env only: the proxy image. */
  readonly proxyImage?: ImageInput;
  readonly settings: PlatformSettings;
}

/** Defines every stack of one environment on `app`. Invalid config throws naming file and field. */
export function defineEnvironmentStacks(app: App, options: EnvironmentStacksOptions): EnvironmentStacks {
  const environ = options.environ ?? process.env;
  const shared = loadSharedConfig();
  const config = loadEnvironmentConfig(options.env);
  const settings = settingsFromEnv(shared, environ);
  // Service definitions are source: read them from this checkout, not from PLATFORM_REPO_ROOT, which
  // may point at an isolated directory holding only deploy records (the integration tests do that).
  const services = loadServiceDefinitions(findRepoRoot());
  assertServicesFitEnvironment(services, config, ENVIRONMENT_NAMES);
  const image = resolveImageInput(options.env, settings.repoRoot, environ, SERVICE_IMAGE);
  if (config.kind === "local") {
    const proxyImage = resolveImageInput(options.env, settings.repoRoot, environ, PROXY_IMAGE);
    const stacks = defineLocal(
      app,
      config,
      deployedService(services, config.name),
      settings,
      environ,
      image,
      proxyImage,
      options.allowDataDestroy ?? false,
    );
    return { env: options.env, kind: "local", stacks, image, proxyImage, settings };
  }
  return {
    env: options.env,
    kind: "aws",
    stacks: defineAwsStacks(app, config, shared, settings, image, services),
    image,
    settings,
  };
}

/** Defines the AWS stacks of one validated config (exported so tests can feed configs directly). */
export function defineAwsStacks(
  app: App,
  config: AwsEnvironmentConfig,
  shared: SharedConfig,
  settings: PlatformSettings,
  image: ImageInput,
  services: readonly ServiceDefinition[],
): TerraformStack[] {
  const service = deployedService(services, config.name);
  const tags = (layer: string) => ({
    ...shared.tags,
    ...config.tags,
    Environment: config.name,
    Layer: layer,
    ManagedBy: "cdktf",
  });
  const common = { settings, allowedAccountIds: config.accountId ? [config.accountId] : undefined };
  const bootstrap = new BootstrapStack(app, BOOTSTRAP_STACK, {
    settings,
    tags: { ...shared.tags, ManagedBy: "cdktf" },
  });
  const registry = new RegistryStack(app, REGISTRY_STACK, {
    ...common,
    region: shared.region,
    stateKey: REGISTRY_STATE_KEY,
    tags: { ...shared.tags, Layer: "registry", ManagedBy: "cdktf" },
    registry: shared.registry,
  });
  const network = new NetworkStack(app, `network-${config.name}`, {
    ...common,
    config,
    stateKey: stateKey(config.name, "network"),
    tags: tags("network"),
  });
  const database = config.database
    ? new DatabaseStack(app, `database-${config.name}`, {
        ...common,
        config,
        database: config.database,
        stateKey: stateKey(config.name, "database"),
        tags: tags("database"),
        networkStateKey: network.stateKey,
      })
    : undefined;
  database?.addDependency(network);
  const serviceStack = new ServiceStack(app, `service-${config.name}`, {
    ...common,
    config,
    service,
    stateKey: stateKey(config.name, "service"),
    tags: tags("service"),
    image,
    registry: {
      stateKey: registry.stateKey,
      region: shared.region,
      repositoryName: shared.registry.repositoryName,
    },
    networkStateKey: network.stateKey,
    databaseStateKey: database?.stateKey,
  });
  serviceStack.addDependency(registry);
  serviceStack.addDependency(network);
  if (database) serviceStack.addDependency(database);
  return [bootstrap, registry, network, ...(database ? [database] : []), serviceStack];
}

/**
 * The service the AWS chain deploys. The chain (push, migrate, apply, the `service-<env>` stack and its
 * records) still handles one web service per environment; workers and further web services are
 * validated but not deployed yet (per-service stacks are the next step of the services model).
 */
function deployedService(services: readonly ServiceDefinition[], env: string): ServiceDefinition {
  const web = services.filter((s) => s.type === "web");
  if (web.length !== 1) {
    throw new Error(
      `Environment ${env}: the deploy chain deploys exactly one web service for now; found ${web.length} (${web.map((s) => s.name).join(", ") || "none"}) in apps/*/service.json`,
    );
  }
  return web[0];
}

function defineLocal(
  app: App,
  config: LocalEnvironmentConfig,
  service: ServiceDefinition,
  settings: PlatformSettings,
  environ: NodeJS.ProcessEnv,
  image: ImageInput,
  proxyImage: ImageInput,
  allowDataDestroy: boolean,
): TerraformStack[] {
  const dockerProviderVersion = environ.PLATFORM_DOCKER_PROVIDER_VERSION?.trim() || undefined;
  const data = new LocalDataStack(app, `${config.name}-data`, {
    config,
    localStateDir: settings.localStateDir,
    allowDataDestroy,
    dockerProviderVersion,
  });
  const appStack = new LocalAppStack(app, config.name, {
    config,
    localStateDir: settings.localStateDir,
    // The literal name, not data.volume's token: a token would make cdktf add a remote-state read.
    volume: { volumeName: localDataVolumeName(config.name) },
    service,
    serviceImage: image,
    proxyImage,
    registry: environ.PLATFORM_REGISTRY?.trim() || "127.0.0.1:5001",
    postgresImage: environ.POSTGRES_BASE_IMAGE?.trim() || "postgres:16-bookworm",
    dockerProviderVersion,
  });
  appStack.addDependency(data);
  return [data, appStack];
}

/** Default synth output directory of an environment: `stacks/cdktf.out/<env>`. */
export function defaultOutdir(repoRoot: string, env: string): string {
  return path.join(repoRoot, "stacks", "cdktf.out", env);
}

export interface SynthOptions extends EnvironmentStacksOptions {
  /** @default $PLATFORM_SYNTH_OUTDIR, else stacks/cdktf.out/<env> */
  readonly outdir?: string;
}

export interface SynthResult extends EnvironmentStacks {
  readonly outdir: string;
}

/** Synthesizes all stacks of one environment to `outdir` (`<outdir>/stacks/<name>/cdk.tf.json`). */
export function synthEnvironment(options: SynthOptions): SynthResult {
  const environ = options.environ ?? process.env;
  const repoRoot = settingsFromEnv(loadSharedConfig(), environ).repoRoot;
  const outdir =
    options.outdir ??
    (environ.PLATFORM_SYNTH_OUTDIR
      ? path.resolve(environ.PLATFORM_SYNTH_OUTDIR)
      : defaultOutdir(repoRoot, options.env));
  fs.mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir, skipValidation: false });
  const defined = defineEnvironmentStacks(app, options);
  app.synth();
  return { ...defined, outdir };
}
