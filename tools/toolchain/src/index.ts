export * from "./aws-client-config";
export * from "./toolchain-env";
