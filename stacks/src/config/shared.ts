import type { SharedConfigInput } from "@platform/env-config";

/**
 * Settings shared by every AWS environment. The state bucket name must be globally unique: change it
 * per organisation (or set PLATFORM_STATE_BUCKET), then run the bootstrap once per account.
 */
export const shared = {
  stateBucket: "fargate-platform-tfstate",
  region: "eu-west-1",
  registry: { repositoryPrefix: "", keepTaggedImages: 30, expireUntaggedAfterDays: 7 },
  tags: { Project: "fargate-platform" },
} satisfies SharedConfigInput;
