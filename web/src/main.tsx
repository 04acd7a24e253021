import { StrictMode, Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { Spinner } from './components/ui.tsx';
import { RequireSignIn } from './components/AppShell.tsx';
import { SessionProvider, homeOf, useSession } from './session/session.tsx';
import { RequireAdmin, RequirePortal } from './session/guards.tsx';
import './styles.css';

// Route-level code splitting: the sign-in page loads only what it needs.
const SignIn = lazy(() => import('./pages/auth/SignIn.tsx'));
const Register = lazy(() => import('./pages/auth/Register.tsx'));
const Forgot = lazy(() => import('./pages/auth/Forgot.tsx'));
const Setup = lazy(() => import('./pages/auth/Setup.tsx'));
const Invite = lazy(() => import('./pages/auth/Invite.tsx'));
const Account = lazy(() => import('./pages/account/Account.tsx'));
const Matters = lazy(() => import('./pages/workspace/Matters.tsx'));
const Clients = lazy(() => import('./pages/workspace/Clients.tsx'));
const Calendar = lazy(() => import('./pages/workspace/Calendar.tsx'));
const MatterDetail = lazy(() => import('./pages/workspace/MatterDetail.tsx'));
const SearchResults = lazy(() => import('./pages/search/SearchResults.tsx'));
const Admin = lazy(() => import('./pages/admin/Admin.tsx'));
const JudgeHome = lazy(() => import('./pages/judge/JudgeHome.tsx'));
const SharePage = lazy(() => import('./pages/share/SharePage.tsx'));
const NotFound = lazy(() => import('./pages/misc/NotFound.tsx'));
const Developer = lazy(() => import('./pages/developer/Developer.tsx'));
const SignPage = lazy(() => import('./pages/sign/SignPage.tsx'));
const VerifyDocumentPage = lazy(() => import('./pages/verify-document/VerifyDocumentPage.tsx'));

function Home() {
  const { state } = useSession();
  if (state.status === 'loading') return <Spinner />;
  if (state.status === 'signed-out') return <Navigate to="/login" replace />;
  return <Navigate to={homeOf(state.me)} replace />;
}

function App() {
  return (
    <Suspense fallback={<Spinner />}>
      <Routes>
        <Route path="/" element={<Home />} />
        <Route path="/login" element={<SignIn />} />
        <Route path="/register" element={<Register />} />
        <Route path="/verify" element={<Register verifyOnly />} />
        <Route path="/forgot" element={<Forgot />} />
        <Route path="/reset" element={<Forgot resetOnly />} />
        <Route path="/setup" element={<Setup />} />
        <Route path="/invite" element={<Invite />} />
        <Route path="/share/:token" element={<SharePage />} />
        <Route path="/sign/:token" element={<SignPage />} />
        <Route path="/verify-document" element={<VerifyDocumentPage />} />
        <Route element={<RequireSignIn />}>
          <Route path="/account" element={<Account />} />
          {/* Portal and role guards: the wrong portal's pages redirect to the user's home (session/guards.tsx). */}
          <Route element={<RequirePortal portal="lawyer" />}>
            <Route path="/matters" element={<Matters />} />
            <Route path="/matters/:id" element={<MatterDetail />} />
            <Route path="/search" element={<SearchResults />} />
            <Route path="/clients" element={<Clients />} />
            <Route path="/clients/:id" element={<Clients />} />
            <Route path="/calendar" element={<Calendar />} />
          </Route>
          <Route element={<RequireAdmin />}>
            <Route path="/admin/*" element={<Admin />} />
          </Route>
          <Route path="/developer/*" element={<Developer />} />
          <Route element={<RequirePortal portal="judge" />}>
            <Route path="/judge/*" element={<JudgeHome />} />
          </Route>
        </Route>
        <Route path="*" element={<NotFound />} />
      </Routes>
    </Suspense>
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <BrowserRouter>
        <SessionProvider>
          <App />
        </SessionProvider>
      </BrowserRouter>
    </StrictMode>,
  );
}
