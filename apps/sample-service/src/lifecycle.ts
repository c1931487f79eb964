/**
 * Process state that readiness reports. Shutdown flips it first, so the load balancer stops
 * routing here while in-flight requests still finish.
 */
export class Lifecycle {
  private shutdownReason: string | undefined;

  get shuttingDown(): boolean {
    return this.shutdownReason !== undefined;
  }

  /** Why the process is going away (e.g. "SIGTERM"), once shutdown began. */
  get reason(): string | undefined {
    return this.shutdownReason;
  }

  beginShutdown(reason: string): void {
    this.shutdownReason ??= reason;
  }
}
