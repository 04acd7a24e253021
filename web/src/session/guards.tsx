import { Navigate, Outlet } from 'react-router';
import type { Me } from '../api/types.ts';
import { homeOf, useMe } from './session.tsx';

/**
 * Route guards inside the signed-in shell. The server refuses the wrong portal and
 * role anyway (403 PORTAL_FORBIDDEN / FORBIDDEN); these keep the app from rendering a
 * page that is not the user's, half-empty and full of errors, and send them to their
 * own home instead. homeOf(me) always passes these guards, so no redirect loops.
 */

/** Pages of one portal: a judge never sees the lawyer workspace, a lawyer never the judge portal. */
export function RequirePortal({ portal }: { portal: 'lawyer' | 'judge' }) {
  const me = useMe();
  return me.portal === portal && me.role !== 'api_admin' ? <Outlet /> : <Navigate to={homeOf(me)} replace />;
}

/** Who may open Administration: an org_admin of the current organization, or a platform administrator. */
export const isAdministrator = (me: Me): boolean => me.role === 'org_admin' || me.role === 'super_admin';

export function RequireAdmin() {
  const me = useMe();
  return isAdministrator(me) ? <Outlet /> : <Navigate to={homeOf(me)} replace />;
}
