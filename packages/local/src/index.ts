export { DOCKER_PROVIDER_BOUND_VERSION, pinDockerProviderVersion } from "./docker-provider-version";
export { digestReference, type LocalImageDigest, pinnedReference } from "./image-reference";
export { LocalNetwork, type LocalNetworkProps, type LocalNetworkRef } from "./local-network/local-network";
export {
  LocalPostgres,
  type LocalPostgresProps,
  postgresConnectionEnvironment,
} from "./local-postgres/local-postgres";
export {
  LocalProxy,
  type LocalProxyProps,
  type LocalProxyRoute,
  type LocalProxyUpstream,
  PROXY_HEALTH_PATH,
  PROXY_ROUTES_PATH,
} from "./local-proxy/local-proxy";
export {
  type LocalSecretVariableProps,
  localSecretVariable,
  type ReadOrCreateLocalSecretOptions,
  readOrCreateLocalSecret,
} from "./local-secret/local-secret";
export {
  localSecretsRoot,
  type ProbeDockerVolumeOptions,
  probeDockerVolume,
  type ReadOrCreateVolumeSecretOptions,
  readOrCreateVolumeSecret,
  type VolumeProbe,
  type VolumeSecret,
  VolumeSecretError,
  volumeSecretPath,
} from "./local-secret/volume-secret";
export {
  LOCAL_SERVICE_TYPES,
  LocalService,
  type LocalServiceProps,
  type LocalServiceType,
  RESTART_POLICIES,
  type RestartPolicy,
} from "./local-service/local-service";
export { LocalVolume, type LocalVolumeProps, type LocalVolumeRef } from "./local-volume/local-volume";
