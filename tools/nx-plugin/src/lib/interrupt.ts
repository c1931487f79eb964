/**
 * An AbortSignal that fires on SIGINT/SIGTERM, so long waits stop and their `finally` blocks clean up
 * (stop the one-off task, remove the container) instead of the process dying mid-step.
 */
export async function withInterrupt<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const handlers = (["SIGINT", "SIGTERM"] as const).map((sig) => {
    const handler = () => controller.abort(new Error(`Interrupted by ${sig}`));
    process.once(sig, handler);
    return [sig, handler] as const;
  });
  try {
    return await body(controller.signal);
  } finally {
    for (const [sig, handler] of handlers) process.removeListener(sig, handler);
  }
}
