import type { AppContext } from '../context/index.ts';
import { startPeriodicJob } from '../platform/jobs/index.ts';
import { unsafeRunExportBuilds } from './export-builder.ts';
import { unsafeReapplyShredLedger } from './reapply.ts';
import { unsafeRunRetentionClasses } from './retention-classes.ts';

/** How often the privacy scheduler runs: export builds left behind, then every retention class. */
const EVERY_MS = 5 * 60_000;

/**
 * The one scheduler of the privacy lifecycle. At start it re-applies the shred
 * ledger (a restored backup must not bring erased data back) before anything else;
 * then, periodically, it resumes export builds and runs the retention classes.
 * Returns the stop function.
 */
export async function startPrivacyJobs(ctx: AppContext): Promise<() => Promise<void>> {
  await unsafeReapplyShredLedger(ctx);
  const job = startPeriodicJob({
    name: 'privacy',
    everyMs: EVERY_MS,
    logger: ctx.logger,
    run: async () => {
      await unsafeRunExportBuilds(ctx);
      await unsafeRunRetentionClasses(ctx);
    },
  });
  return () => job.stop();
}
