/**
 * Group commit: each caller hands over one item and waits until it is committed;
 * one flusher at a time writes everything that queued meanwhile in a single short
 * transaction. Alone, a caller gets an ordinary one-row transaction with no added
 * delay; under concurrency one commit (one WAL flush) serves many callers.
 * A batch that fails is retried item by item, so one bad item fails alone.
 */
export type GroupCommitter<T> = {
  submit(item: T): Promise<void>;
  /** Items waiting for a flush (not counting the batch being written). */
  pending(): number;
};

type Waiter<T> = { item: T; resolve: () => void; reject: (err: unknown) => void };

export function createGroupCommitter<T>(opts: {
  write: (items: T[]) => Promise<void>;
  maxBatch: number;
}): GroupCommitter<T> {
  const queue: Waiter<T>[] = [];
  let flushing = false;

  async function flush(): Promise<void> {
    flushing = true;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, opts.maxBatch);
        try {
          await opts.write(batch.map((w) => w.item));
          for (const w of batch) w.resolve();
        } catch (err) {
          if (batch.length === 1) {
            batch[0]!.reject(err);
            continue;
          }
          for (const w of batch) {
            try {
              await opts.write([w.item]);
              w.resolve();
            } catch (one) {
              w.reject(one);
            }
          }
        }
      }
    } finally {
      flushing = false;
    }
  }

  return {
    submit(item) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (!flushing) void flush();
      });
    },
    pending: () => queue.length,
  };
}
