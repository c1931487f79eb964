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
import { serviceStackName } from "@platform/toolchain";
import { App, type TerraformStack } from "cdktf";
import { ENVIRONMENT_NAMES, type EnvironmentName, loadEnvironmentConfig, loadSharedConfig } from "./config";
import {
  type ImageInput,
  type ImageSlot,
  PROXY_IMAGE,
  resolveImageInput,
  serviceImageSlot,
} from "./image-input";
import { findRepoRoot, type PlatformSettings, settingsFromEnv } from "./settings";
import { BootstrapStack } from "./stacks/bootstrap-stack";
import { DatabaseStack } from "./stacks/database-stack";
import { LocalDataStack, localDataVolumeName } from "./stacks/local-data-stack";
import { localServiceStackName } from "./stacks/local-names";
import { LocalPlatformStack } from "./stacks/local-platform-stack";
import { LocalServiceStack } from "./stacks/local-service-stack";
import { NetworkStack } from "./stacks/network-stack";
import { PlatformStack } from "./stacks/platform-stack";
import { RegistryStack, repositoryNameOf } from "./stacks/registry-stack";
import { ServiceStack } from "./stacks/service-stack";

/** Name of the stack that creates the state bucket (local state, applied by `bootstrap` only). */
export const BOOTSTRAP_STACK = "bootstrap";
/** Name of the registry stack shared by the AWS environments. */
export const REGISTRY_STACK = "registry";

/** State keys: `<env>/<layer>.tfstate` (a service's: `<env>/service-<name>.tfstate`); the registry under `shared/`. */
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
  /**
   * Repository whose apps/<name>/service.json files are the services (a test synthesizes a generated
   * service from a scratch copy of the workspace). @default this checkout
   */
  readonly servicesRoot?: string;
}

/** A service the environment deploys, with the image its stack was synthesized with. */
export interface DeployedService {
  readonly definition: ServiceDefinition;
  /** The image (a placeholder when none was pushed). */
  readonly image: ImageInput;
  readonly slot: ImageSlot;
  /** The stack that deploys it: `service-<name>-<env>` (AWS) or the local app stack. */
  readonly stackName: string;
}

/** What was defined for an environment. */
export interface EnvironmentStacks {
  readonly env: EnvironmentName;
  readonly kind: "aws" | "local";
  /** Stacks in dependency order (bootstrap first for AWS environments). */
  readonly stacks: readonly TerraformStack[];
  /** The services deployed, sorted by name, with their images. */
  readonly services: readonly DeployedService[];
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
  const definitions = loadServiceDefinitions(options.servicesRoot ?? findRepoRoot());
  assertServicesFitEnvironment(definitions, config, ENVIRONMENT_NAMES);
  const imageOf = (definition: ServiceDefinition, stackName: string): DeployedService => {
    const slot = serviceImageSlot(definition.name);
    return {
      definition,
      slot,
      stackName,
      image: resolveImageInput(options.env, settings.repoRoot, environ, slot),
    };
  };
  if (config.kind === "local") {
    const proxyImage = resolveImageInput(options.env, settings.repoRoot, environ, PROXY_IMAGE);
    const services = definitions.map((d) => imageOf(d, localServiceStackName(config.name, d.name)));
    const allowDataDestroy = options.allowDataDestroy ?? false;
    const stacks = defineLocal(app, config, services, settings, environ, proxyImage, allowDataDestroy);
    return { env: options.env, kind: "local", stacks, services, proxyImage, settings };
  }
  const services = definitions.map((d) => imageOf(d, serviceStackName(d.name, config.name)));
  return {
    env: options.env,
    kind: "aws",
    stacks: defineAwsStacks(app, config, shared, settings, services),
    services,
    settings,
  };
}

/** Defines the AWS stacks of one validated config (exported so tests can feed configs directly). */
export function defineAwsStacks(
  app: App,
  config: AwsEnvironmentConfig,
  shared: SharedConfig,
  settings: PlatformSettings,
  services: readonly Pick<DeployedService, "definition" | "image">[],
): TerraformStack[] {
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
    services: services.map((s) => s.definition),
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
        owners: services
          .map((s) => s.definition)
          .filter((d) => d.database && d.databaseOf === undefined)
          .map((d) => d.name),
      })
    : undefined;
  database?.addDependency(network);
  const platform = new PlatformStack(app, `platform-${config.name}`, {
    ...common,
    config,
    stateKey: stateKey(config.name, "platform"),
    tags: tags("platform"),
    networkStateKey: network.stateKey,
    loadBalancer: services.some((s) => s.definition.type === "web"),
  });
  platform.addDependency(network);
  const serviceStacks = services.map(({ definition, image }) => {
    const stack = new ServiceStack(app, serviceStackName(definition.name, config.name), {
      ...common,
      config,
      service: definition,
      stateKey: stateKey(config.name, `service-${definition.name}`),
      tags: { ...tags("service"), Service: definition.name },
      image,
      registry: {
        stateKey: registry.stateKey,
        region: shared.region,
        repositoryName: repositoryNameOf(shared.registry, definition.name),
      },
      networkStateKey: network.stateKey,
      platformStateKey: platform.stateKey,
      databaseStateKey: database?.stateKey,
    });
    for (const upstream of [registry, network, platform, ...(database ? [database] : [])])
      stack.addDependency(upstream);
    return stack;
  });
  return [bootstrap, registry, network, ...(database ? [database] : []), platform, ...serviceStacks];
}

function defineLocal(
  app: App,
  config: LocalEnvironmentConfig,
  services: readonly DeployedService[],
  settings: PlatformSettings,
  environ: NodeJS.ProcessEnv,
  proxyImage: ImageInput,
  allowDataDestroy: boolean,
): TerraformStack[] {
  const dockerProviderVersion = environ.PLATFORM_DOCKER_PROVIDER_VERSION?.trim() || undefined;
  const registry = environ.PLATFORM_REGISTRY?.trim() || "127.0.0.1:5001";
  const data = new LocalDataStack(app, `${config.name}-data`, {
    config,
    localStateDir: settings.localStateDir,
    allowDataDestroy,
    dockerProviderVersion,
  });
  const platform = new LocalPlatformStack(app, config.name, {
    config,
    localStateDir: settings.localStateDir,
    // The literal name, not data.volume's token: a token would make cdktf add a remote-state read.
    volume: { volumeName: localDataVolumeName(config.name) },
    services: services.map((s) => s.definition),
    proxyImage,
    registry,
    postgresImage: environ.POSTGRES_BASE_IMAGE?.trim() || "postgres:16-bookworm",
    dockerProviderVersion,
  });
  platform.addDependency(data);
  const serviceStacks = services.map(({ definition, image, stackName }) => {
    const stack = new LocalServiceStack(app, stackName, {
      config,
      localStateDir: settings.localStateDir,
      service: definition,
      image,
      registry,
      proxyUrl: platform.url,
      dockerProviderVersion,
    });
    stack.addDependency(platform);
    return stack;
  });
  return [data, platform, ...serviceStacks];
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
