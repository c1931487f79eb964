import { errorMessage } from "./log";

export interface ExecutorResult {
  readonly success: boolean;
}

/** Runs an executor body; a thrown error becomes one clear message and `success: false`. */
export async function reportFailure(step: string, body: () => Promise<unknown>): Promise<ExecutorResult> {
  try {
    await body();
    return { success: true };
  } catch (err) {
    console.error(`\n${step} failed: ${errorMessage(err)}`);
    return { success: false };
  }
}
