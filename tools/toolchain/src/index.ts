export * from "./toolchain-env";
