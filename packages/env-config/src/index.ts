export * from "./environment-config";
export * from "./fargate-sizes";
export * from "./guardrails";
export * from "./image-digest";
export * from "./service-catalog";
export * from "./service-definition";
