export * from "./environment-config";
export * from "./fargate-sizes";
