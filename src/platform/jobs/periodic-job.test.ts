import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startPeriodicJob } from './periodic-job.ts';

describe('startPeriodicJob', () => {
  it('should run on its interval, never overlap itself, survive a failure and stop cleanly', async () => {
    let runs = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    const job = startPeriodicJob({
      name: 'test',
      everyMs: 5,
      logger: pino({ level: 'silent' }),
      run: async () => {
        runs++;
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await new Promise((r) => setTimeout(r, 20));
        concurrent--;
        if (runs === 1) throw new Error('first run fails');
      },
    });
    await Promise.all([job.runNow(), job.runNow()]);
    await new Promise((r) => setTimeout(r, 100));
    await job.stop();
    const after = runs;
    await new Promise((r) => setTimeout(r, 30));
    expect(runs).toBe(after);
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(maxConcurrent).toBe(1);
  });
});
