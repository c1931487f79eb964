export {
  ALLOWED_INSTANCE_FAMILIES,
  ALLOWED_INSTANCE_SIZES,
  ALLOWED_STORAGE_TYPES,
  type AllowFromOptions,
  type DatabaseNetwork,
  POSTGRES_PORT,
  PostgresDatabase,
  type PostgresDatabaseProps,
  type SecurityGroupRef,
  type StorageType,
  SUPPORTED_POSTGRES_MAJORS,
} from "./postgres-database/postgres-database";
export {
  ServiceDatabaseCredentials,
  type ServiceDatabaseCredentialsProps,
} from "./service-database-credentials/service-database-credentials";
