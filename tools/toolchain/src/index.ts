export * from "./aws-client-config";
export * from "./database-roles";
export * from "./deploy-history";
export * from "./deploy-history-store";
export * from "./deploy-records";
export * from "./layers";
export * from "./toolchain-env";
