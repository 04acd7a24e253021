import { PageHeader, Section } from '../../components/ui.tsx';
import { useMe } from '../../session/session.tsx';

/** The judge portal's frame; the judicial store (private case files and notes) fills it. */
export default function JudgeHome() {
  const me = useMe();
  return (
    <>
      <PageHeader title="Case files" description={`${me.org?.name ?? 'Your court'} · private judicial workspace`} />
      <div className="stack">
        <Section
          title="Your case files"
          description="Case files and notes here are visible to you alone, encrypted under the court's judicial key."
        >
          <p className="empty">No case files yet. The judicial store is being prepared for this portal.</p>
        </Section>
      </div>
    </>
  );
}
