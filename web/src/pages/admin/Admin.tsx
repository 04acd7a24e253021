import { NavLink, Navigate, Route, Routes } from 'react-router';
import { PageHeader } from '../../components/ui.tsx';
import { useMe } from '../../session/session.tsx';
import { AuditTrail } from './AuditTrail.tsx';
import { Members } from './Members.tsx';
import { Onboarding } from './Onboarding.tsx';
import { Playbooks } from './Playbooks.tsx';
import { Retention } from './Retention.tsx';
import { SealCertificate } from './SealCertificate.tsx';
import { Settings } from './Settings.tsx';

export default function Admin() {
  const me = useMe();
  if (me.role !== 'org_admin' && me.role !== 'super_admin') return <Navigate to="/" replace />;
  const orgId = me.org?.role === 'org_admin' ? me.org.id : null;
  return (
    <>
      <PageHeader
        title="Administration"
        description={me.org ? `Members, security and the audit trail of ${me.org.name}.` : 'Platform audit trail.'}
      />
      {orgId && <Onboarding />}
      <nav aria-label="Administration" className="tabs">
        {orgId && <NavLink to="/admin/members">Members</NavLink>}
        <NavLink to="/admin/audit">Audit trail</NavLink>
        {orgId && <NavLink to="/admin/settings">Security settings</NavLink>}
        {orgId && <NavLink to="/admin/retention">Retention</NavLink>}
        {orgId && <NavLink to="/admin/playbooks">Playbooks</NavLink>}
        {orgId && <NavLink to="/admin/signatures">Signatures</NavLink>}
      </nav>
      <Routes>
        <Route index element={<Navigate to={orgId ? 'members' : 'audit'} replace />} />
        {orgId && <Route path="members" element={<Members orgId={orgId} selfId={me.user.id} />} />}
        <Route path="audit" element={<AuditTrail />} />
        {orgId && <Route path="settings" element={<Settings orgId={orgId} />} />}
        {orgId && <Route path="retention" element={<Retention orgId={orgId} />} />}
        {orgId && <Route path="playbooks" element={<Playbooks />} />}
        {orgId && <Route path="signatures" element={<SealCertificate />} />}
        <Route path="*" element={<Navigate to="/admin" replace />} />
      </Routes>
    </>
  );
}
