import type { LocalEnvironmentConfigInput } from "@platform/env-config";

/** The local Docker environment: two replicas per service, web services behind a proxy on http://127.0.0.1:8080. */
export const local = {
  name: "local",
  kind: "local",
  hostPort: 8080,
  replicas: 2,
  tags: { Project: "fargate-platform" },
} satisfies LocalEnvironmentConfigInput;
