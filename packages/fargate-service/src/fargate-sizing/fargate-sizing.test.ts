import { FARGATE_MEMORY_MIB, validateFargateSize } from "./fargate-sizing";

describe("validateFargateSize", () => {
  it.each([
    [256, 512],
    [256, 2048],
    [512, 4096],
    [1024, 2048],
    [2048, 16384],
    [4096, 30720],
    [8192, 61440],
    [16384, 122880],
  ])("accepts cpu %d with memoryMiB %d", (cpu, memory) => {
    expect(() => validateFargateSize(cpu, memory)).not.toThrow();
  });

  it("rejects a CPU value Fargate does not have, listing the allowed ones", () => {
    expect(() => validateFargateSize(300, 512)).toThrow(
      /cpu 300 is not a Fargate CPU value; allowed cpu: 256, 512, 1024, 2048, 4096, 8192, 16384/,
    );
  });

  it("rejects memory outside the CPU's set, naming both values and the allowed set", () => {
    expect(() => validateFargateSize(256, 4096, "X: ")).toThrow(
      "X: memoryMiB 4096 is not valid with cpu 256; allowed memoryMiB for cpu 256: 512, 1024, 2048",
    );
    expect(() => validateFargateSize(8192, 18432)).toThrow(
      /allowed memoryMiB for cpu 8192: 16384\.\.61440 in steps of 4096/,
    );
  });

  it("has the documented table ends", () => {
    expect(FARGATE_MEMORY_MIB[1024]).toEqual([2048, 3072, 4096, 5120, 6144, 7168, 8192]);
    expect(FARGATE_MEMORY_MIB[16384].at(-1)).toBe(122880);
  });
});
