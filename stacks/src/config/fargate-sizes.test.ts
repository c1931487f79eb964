import { FARGATE_CPU_UNITS as CONFIG_CPU_UNITS, FARGATE_CPU_MEMORY_MIB } from "@platform/env-config";
import { FARGATE_CPU_UNITS, FARGATE_MEMORY_MIB } from "@platform/fargate-service";

// The Fargate size table lives twice on purpose: env-config refuses a bad size when a config file is
// parsed (naming the file), FargateService refuses it as a construct, and the packages import nothing
// from each other. The stacks use both, so this is where the two copies are held equal: a size one
// accepts and the other refuses would pass config validation and fail at synth (or the reverse).
describe("Fargate CPU/memory sizes in env-config and fargate-service", () => {
  it("allow the same CPU units", () => {
    expect([...CONFIG_CPU_UNITS]).toEqual([...FARGATE_CPU_UNITS]);
  });

  it("allow the same memory sizes (MiB) for every CPU value", () => {
    expect({ ...FARGATE_CPU_MEMORY_MIB }).toEqual({ ...FARGATE_MEMORY_MIB });
  });
});
