// How often a crashed server is started again: a few times, then the user decides.

export class RestartBudget {
  private crashes: number[] = [];

  constructor(
    readonly limit = 4,
    readonly windowMs = 3 * 60 * 1000,
  ) {}

  /** Counts a crash at `now` (ms); true if the server may be started again. */
  crashed(now: number): boolean {
    this.crashes = this.crashes.filter((at) => now - at < this.windowMs);
    this.crashes.push(now);
    return this.crashes.length <= this.limit;
  }

  /** A fresh start by hand (Restart Server) resets the count. */
  reset(): void {
    this.crashes = [];
  }
}
