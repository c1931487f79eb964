import type { LocalEnvironmentConfigInput } from "@platform/env-config";

/** The local Docker environment: two replicas behind a proxy on http://127.0.0.1:8080. */
export const local = {
  name: "local",
  kind: "local",
  hostPort: 8080,
  replicas: 2,
  containerPort: 8080,
  tags: { Project: "fargate-platform" },
} satisfies LocalEnvironmentConfigInput;
