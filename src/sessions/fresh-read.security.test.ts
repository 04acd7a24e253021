import { describe, expect, it } from 'vitest';
import { FreshRead } from './fresh-read.ts';

/**
 * The shared epoch read must never answer a caller with a read that left before the
 * caller asked: that answer could predate a revocation the caller must see. The
 * source here is a counter whose every read is released by hand, so the order of
 * "asked", "read sent" and "changed" is exact.
 */
describe('FreshRead', () => {
  function source() {
    let value = 0;
    type Outstanding = { settle: (fail?: Error) => void; done: boolean };
    const sent: Outstanding[] = [];
    // A read sees the value as it was when the read left, like a statement's snapshot.
    const send = () =>
      new Promise<number>((resolve, reject) => {
        const seen = value;
        sent.push({ settle: (fail) => (fail ? reject(fail) : resolve(seen)), done: false });
      });
    return {
      send,
      sent,
      change: () => (value += 1),
      settleNext: async (fail?: Error) => {
        const next = sent.find((o) => !o.done);
        if (!next) throw new Error('no read outstanding');
        next.done = true;
        next.settle(fail);
        // Let the reactions run (the queued read is sent from one).
        for (let i = 0; i < 5; i++) await Promise.resolve();
      },
    };
  }

  it('answers a caller who asked after a change only from a read sent after it', async () => {
    const s = source();
    const reader = new FreshRead(s.send);
    const early = reader.read(); // read #1 leaves, value 0
    s.change(); // committed after read #1 left
    const late = reader.read(); // must not share read #1
    await s.settleNext();
    expect(await early).toBe(0);
    expect(s.sent).toHaveLength(2); // read #2 left once read #1 was answered
    await s.settleNext();
    expect(await late).toBe(1);
  });

  it('shares one queued read among everyone who asked while another was out', async () => {
    const s = source();
    const reader = new FreshRead(s.send);
    const first = reader.read();
    const waiting = Array.from({ length: 50 }, () => reader.read());
    expect(s.sent).toHaveLength(1); // one in flight, the rest queued behind it, nothing more sent
    await s.settleNext();
    expect(s.sent).toHaveLength(2);
    await s.settleNext();
    await first;
    expect(new Set(await Promise.all(waiting)).size).toBe(1);
    expect(s.sent).toHaveLength(2);
    // Idle again: the next caller sends at once.
    void reader.read();
    expect(s.sent).toHaveLength(3);
  });

  it('gives a failed read to its own callers only; the queued read still goes out', async () => {
    const s = source();
    const reader = new FreshRead(s.send);
    const failed = reader.read();
    const queued = reader.read();
    await s.settleNext(new Error('connection lost'));
    await expect(failed).rejects.toThrow('connection lost');
    expect(s.sent).toHaveLength(2);
    await s.settleNext();
    expect(await queued).toBe(0);
  });
});
