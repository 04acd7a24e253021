import fs from 'node:fs';

const USER_HZ = 100; // clock ticks per second of /proc/<pid>/stat on Linux

/** The fields of /proc/<pid>/stat after the command name: [state, ppid, …]. */
function statFields(pid: number | string): string[] {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU time (user + system, ms) a process has used so far, read from /proc so the bench measures the server, not itself. */
export function processCpuMs(pid: number): number {
  const fields = statFields(pid);
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ; // utime, stime (fields 14 and 15 of stat)
}

/**
 * CPU used so far by every PostgreSQL server on this machine: each live process's own time, plus, for each
 * postmaster, the time of its children that have already exited (cutime, cstime). Without the latter, a pool
 * closing an idle connection during a measurement would make the sum go backwards.
 */
export function postgresCpuMs(): number {
  const postgres = new Map<string, string[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm === 'postgres' || comm.startsWith('postgres:')) postgres.set(entry, statFields(entry));
    } catch {
      // the process ended between listing and reading
    }
  }
  let ticks = 0;
  for (const fields of postgres.values()) {
    ticks += Number(fields[11]) + Number(fields[12]);
    const isPostmaster = !postgres.has(fields[1] ?? '');
    if (isPostmaster) ticks += Number(fields[13]) + Number(fields[14]); // cutime, cstime: reaped backends
  }
  return (ticks * 1000) / USER_HZ;
}
