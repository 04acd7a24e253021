import { NavLink, Navigate, Route, Routes } from 'react-router';
import { PageHeader } from '../../components/ui.tsx';
import { useMe } from '../../session/session.tsx';
import { ApiKeys } from './ApiKeys.tsx';
import { ApiReference } from './ApiReference.tsx';
import { CallLog } from './CallLog.tsx';
import { Webhooks } from './Webhooks.tsx';

/** Who may open the developer portal: the organization's api_admins and org_admins (the server checks too). */
export const isDeveloperAdmin = (role: string | null | undefined) => role === 'api_admin' || role === 'org_admin';

/** The developer portal: API keys, webhooks, the call log and the API reference. */
export default function Developer() {
  const me = useMe();
  if (!isDeveloperAdmin(me.role)) return <Navigate to="/" replace />;
  return (
    <>
      <PageHeader title="Developer" description="Connect practice-management and billing systems to Chambers." />
      <nav aria-label="Developer" className="tabs">
        <NavLink to="/developer/keys">API keys</NavLink>
        <NavLink to="/developer/webhooks">Webhooks</NavLink>
        <NavLink to="/developer/calls">Call log</NavLink>
        <NavLink to="/developer/reference">API reference</NavLink>
      </nav>
      <Routes>
        <Route index element={<Navigate to="keys" replace />} />
        <Route path="keys" element={<ApiKeys />} />
        <Route path="webhooks" element={<Webhooks />} />
        <Route path="calls" element={<CallLog />} />
        <Route path="reference" element={<ApiReference />} />
        <Route path="*" element={<Navigate to="/developer" replace />} />
      </Routes>
    </>
  );
}
