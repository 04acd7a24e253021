import { Suspense } from 'react';
import { NavLink, Navigate, Outlet, useLocation } from 'react-router';
import { AuditAlarmBanner } from '../session/AuditAlarmBanner.tsx';
import { IdleBanner } from '../session/IdleBanner.tsx';
import { StepUpDialog } from '../session/StepUpDialog.tsx';
import { useSession } from '../session/session.tsx';
import { Brand, Spinner } from './ui.tsx';
import { SearchBox } from './SearchBox.tsx';

const ROLE_LABEL: Record<string, string> = {
  org_admin: 'Administrator',
  lawyer: 'Lawyer',
  judge: 'Judge',
  reviewer: 'Reviewer',
  super_admin: 'Platform administrator',
};

/** The signed-in frame: header with navigation, the idle banner, the step-up dialog. */
export function RequireSignIn() {
  const { state, signOut } = useSession();
  const location = useLocation();
  if (state.status === 'loading') return <Spinner />;
  if (state.status === 'signed-out') {
    const { reason } = state;
    const to =
      reason === 'idle' || reason === 'expired'
        ? `/login?reason=${reason}`
        : reason
          ? '/login'
          : `/login?next=${encodeURIComponent(location.pathname)}`;
    return <Navigate to={to} replace />;
  }
  const { me } = state;
  const isAdmin = me.role === 'org_admin' || me.role === 'super_admin';
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Brand />
          <nav aria-label="Main">
            <ul className="nav">
              {(me.role === 'api_admin' || me.role === 'org_admin') && (
                <li>
                  <NavLink to="/developer">Developer</NavLink>
                </li>
              )}
              {me.portal === 'lawyer' && me.role !== 'api_admin' && (
                <li>
                  <NavLink to="/matters">Matters</NavLink>
                </li>
              )}
              {me.portal === 'lawyer' && me.role !== 'api_admin' && (
                <>
                  <li>
                    <NavLink to="/clients">Clients</NavLink>
                  </li>
                  <li>
                    <NavLink to="/calendar">Calendar</NavLink>
                  </li>
                </>
              )}
              {me.portal === 'judge' && (
                <li>
                  <NavLink to="/judge">Case files</NavLink>
                </li>
              )}
              {isAdmin && (
                <li>
                  <NavLink to="/admin">Administration</NavLink>
                </li>
              )}
              <li>
                <NavLink to="/account">Account</NavLink>
              </li>
            </ul>
          </nav>
          {me.portal === 'lawyer' && me.role !== 'api_admin' && <SearchBox />}
          <div className="topbar-user">
            <div className="who">
              <span className="who-name">{me.user.name}</span>
              <span className="who-org">
                {me.org
                  ? `${me.org.name} · ${ROLE_LABEL[me.org.role] ?? me.org.role}`
                  : (ROLE_LABEL[me.role ?? ''] ?? '')}
              </span>
            </div>
            <button className="btn btn-secondary btn-small" onClick={() => void signOut('user')}>
              Sign out
            </button>
          </div>
        </div>
      </header>
      <IdleBanner />
      {isAdmin && <AuditAlarmBanner />}
      <StepUpDialog />
      <main id="main" className="content" tabIndex={-1}>
        <Suspense fallback={<Spinner />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
