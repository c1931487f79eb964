/** Task CPU units Fargate accepts (1024 = 1 vCPU). */
export const FARGATE_CPU_UNITS = [256, 512, 1024, 2048, 4096, 8192, 16384] as const;
export type FargateCpu = (typeof FARGATE_CPU_UNITS)[number];

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** Memory (MiB) Fargate accepts for each CPU value (Linux tasks). */
export const FARGATE_MEMORY_MIB: Readonly<Record<FargateCpu, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

function isFargateCpu(cpu: number): cpu is FargateCpu {
  return (FARGATE_CPU_UNITS as readonly number[]).includes(cpu);
}

/** Human-readable allowed memory for a CPU value, e.g. "512, 1024, 2048" or "16384..61440 in steps of 4096". */
export function describeAllowedMemory(cpu: FargateCpu): string {
  const values = FARGATE_MEMORY_MIB[cpu];
  if (values.length <= 4) return values.join(", ");
  return `${values[0]}..${values[values.length - 1]} in steps of ${values[1] - values[0]}`;
}

/**
 * Throws unless `cpu`/`memoryMiB` is a combination Fargate accepts. The message names both props
 * (prefixed with `context`, e.g. "FargateService: ") and the allowed set for that CPU.
 */
export function validateFargateSize(cpu: number, memoryMiB: number, context = ""): void {
  if (!isFargateCpu(cpu)) {
    throw new Error(
      `${context}cpu ${cpu} is not a Fargate CPU value; allowed cpu: ${FARGATE_CPU_UNITS.join(", ")}`,
    );
  }
  if (!FARGATE_MEMORY_MIB[cpu].includes(memoryMiB)) {
    throw new Error(
      `${context}memoryMiB ${memoryMiB} is not valid with cpu ${cpu}; allowed memoryMiB for cpu ${cpu}: ${describeAllowedMemory(cpu)}`,
    );
  }
}
