export * from "./aws-client-config";
export * from "./deploy-records";
export * from "./toolchain-env";
