import { MatterDeadlines } from './MatterDeadlines.tsx';
import { MatterNotes } from './MatterNotes.tsx';
import { MatterParties } from './MatterParties.tsx';
import { MatterTasks } from './MatterTasks.tsx';

/** The day-to-day sections of a matter page: parties, deadlines, tasks and notes. */
export function MatterWork({ matterId, canWrite }: { matterId: string; canWrite: boolean }) {
  return (
    <>
      <MatterParties matterId={matterId} canWrite={canWrite} />
      <MatterDeadlines matterId={matterId} canWrite={canWrite} />
      <MatterTasks matterId={matterId} canWrite={canWrite} />
      <MatterNotes matterId={matterId} canWrite={canWrite} />
    </>
  );
}
