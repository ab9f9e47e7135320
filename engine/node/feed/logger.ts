/** The feed's log sink. Warnings about bad frames are rate-limited so a flood of garbage cannot flood the log. */
export interface FeedLogger {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
}

export const consoleLogger: FeedLogger = {
  info: (message, details) => console.info(JSON.stringify({ level: 'info', source: 'feed', message, ...details })),
  warn: (message, details) => console.warn(JSON.stringify({ level: 'warn', source: 'feed', message, ...details })),
};

export const silentLogger: FeedLogger = { info: () => {}, warn: () => {} };

/** Logs the first `burst` occurrences, then one in every `every` (with the running count). */
export class ThrottledWarn {
  private count = 0;
  constructor(
    private readonly logger: FeedLogger,
    private readonly burst = 20,
    private readonly every = 1000,
  ) {}

  warn(message: string, details?: Record<string, unknown>): void {
    this.count++;
    if (this.count <= this.burst || this.count % this.every === 0)
      this.logger.warn(message, { ...details, occurrences: this.count });
  }
}
