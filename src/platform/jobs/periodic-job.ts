import type { Logger } from 'pino';

export type PeriodicJob = { stop(): Promise<void>; runNow(): Promise<void> };

/**
 * Runs `run` every `everyMs` in this process, never overlapping itself; a failure
 * is logged and the next tick tries again. The timer does not keep the process alive.
 */
export function startPeriodicJob(opts: {
  name: string;
  everyMs: number;
  logger: Logger;
  run: () => Promise<void>;
}): PeriodicJob {
  let running: Promise<void> | null = null;
  const tick = (): Promise<void> => {
    if (running) return running;
    running = opts
      .run()
      .catch((err: Error) =>
        opts.logger.warn(
          { err: { message: err.message }, job: opts.name },
          'periodic job failed; retrying on the next tick',
        ),
      )
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => void tick(), opts.everyMs);
  timer.unref();
  return {
    runNow: tick,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
