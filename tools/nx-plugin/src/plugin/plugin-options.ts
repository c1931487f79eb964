/** Options of the workspace plugin in nx.json (`plugins[].options`), as written there. */
export interface PlatformPluginOptions {
  /** The environments; every `-c` must name one. Kept equal to stacks/src/config's ENVIRONMENT_NAMES (a test checks). */
  readonly environments: readonly string[];
  /**
   * The configuration chain targets run without `-c`.
   * @default the first of `environments`
   */
  readonly defaultEnvironment?: string;
  /**
   * Service types (service.json `type`) that get the deploy chain targets.
   * @default ["web", "worker"] - every service
   */
  readonly chainServiceTypes?: readonly string[];
}

export interface NormalizedPluginOptions {
  readonly environments: readonly string[];
  readonly defaultEnvironment: string;
  readonly chainServiceTypes: readonly string[];
}

const WHERE = "nx.json plugins[@platform/nx-plugin].options";

/** Defaults resolved and checked; errors name the option and the allowed values. */
export function normalizePluginOptions(options: PlatformPluginOptions | undefined): NormalizedPluginOptions {
  const environments = options?.environments;
  if (!Array.isArray(environments) || environments.length === 0) {
    throw new Error(`${WHERE}.environments must list the environment names`);
  }
  const defaultEnvironment = options?.defaultEnvironment ?? environments[0];
  if (!environments.includes(defaultEnvironment)) {
    throw new Error(
      `${WHERE}.defaultEnvironment must be one of ${environments.join(", ")} (got ${JSON.stringify(defaultEnvironment)})`,
    );
  }
  return {
    environments,
    defaultEnvironment,
    chainServiceTypes: options?.chainServiceTypes ?? ["web", "worker"],
  };
}
