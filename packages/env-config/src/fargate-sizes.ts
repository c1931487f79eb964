/**
 * Task CPU units -> memory sizes (MiB) that Fargate accepts for that CPU.
 * Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 * Kept here (not only in the construct) so a bad size fails at config parse time, naming the config file.
 */
export const FARGATE_CPU_MEMORY_MIB: Readonly<Record<number, readonly number[]>> = Object.freeze({
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
});

/** CPU units Fargate accepts. */
export const FARGATE_CPU_UNITS: readonly number[] = Object.keys(FARGATE_CPU_MEMORY_MIB).map(Number);

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** Human-readable list of memory sizes for a CPU value, e.g. "2048..8192 in steps of 1024". */
export function describeFargateMemory(cpu: number): string {
  const sizes = FARGATE_CPU_MEMORY_MIB[cpu];
  if (!sizes) return `none (cpu must be one of ${FARGATE_CPU_UNITS.join(", ")})`;
  if (sizes.length <= 3) return sizes.join(", ");
  return `${sizes[0]}..${sizes[sizes.length - 1]} in steps of ${sizes[1] - sizes[0]}`;
}

/** True when Fargate accepts this CPU/memory pair. */
export function isFargateCombination(cpu: number, memoryMiB: number): boolean {
  return FARGATE_CPU_MEMORY_MIB[cpu]?.includes(memoryMiB) ?? false;
}
