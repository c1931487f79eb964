/** Progress lines with the elapsed time since the step began, so slow waits are visible. */
export class StepLog {
  private readonly startedAt = Date.now();

  constructor(private readonly step: string) {}

  info(message: string): void {
    console.log(`[${this.step} +${this.elapsedSeconds().toFixed(1)}s] ${message}`);
  }

  elapsedSeconds(): number {
    return (Date.now() - this.startedAt) / 1000;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
