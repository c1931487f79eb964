import type { SharedConfigInput } from "@platform/env-config";
// JSON, so the deploy tools (tools/nx-plugin's deploy history) read the same bucket without loading the stacks.
import stateBackend from "./state-backend.json";

/**
 * Settings shared by every AWS environment. The state bucket name must be globally unique: change it
 * per organisation in state-backend.json (or set PLATFORM_STATE_BUCKET), then run the bootstrap once per account.
 */
export const shared = {
  stateBucket: stateBackend.stateBucket,
  region: stateBackend.region,
  registry: { repositoryPrefix: "", keepTaggedImages: 30, expireUntaggedAfterDays: 7 },
  tags: { Project: "fargate-platform" },
} satisfies SharedConfigInput;
