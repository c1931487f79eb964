export {
  ContainerRegistry,
  type ContainerRegistryProps,
  type ImageRepositoryRef,
  MAX_MAX_TAGGED_IMAGES,
  MAX_UNTAGGED_EXPIRY_DAYS,
  MIN_MAX_TAGGED_IMAGES,
  MIN_UNTAGGED_EXPIRY_DAYS,
} from "./container-registry/container-registry";
