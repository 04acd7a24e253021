import type { AppContext } from '../context/index.ts';
import { runOrphanSweep } from './orphan-sweep-job.ts';
import { runRetention } from './document-retention-job.ts';

/**
 * Starts the vault's background jobs (retention, orphan-blob sweep) on their intervals.
 * A failed run is logged and the next one tries again. Returns the stop function.
 */
export function startDocumentJobs(ctx: AppContext): () => void {
  const every = (seconds: number, name: string, run: () => Promise<number>) => {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      run()
        .then((n) => n > 0 && ctx.logger.info({ job: name, count: n }, 'document job done'))
        .catch((err: Error) =>
          ctx.logger.error({ job: name, err: { message: err.message } }, 'document job failed; next run retries'),
        )
        .finally(() => (running = false));
    }, seconds * 1000);
    timer.unref();
    return () => clearInterval(timer);
  };
  const stops = [
    every(ctx.config.documentJobs.retentionSeconds, 'retention', () => runRetention(ctx)),
    every(ctx.config.documentJobs.orphanSweepSeconds, 'orphan-sweep', () => runOrphanSweep(ctx)),
  ];
  return () => stops.forEach((stop) => stop());
}
