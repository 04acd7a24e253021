import { Link } from 'react-router';
import { AuthCard } from '../../components/ui.tsx';

/** A mistyped or stale address: say so, and offer the way home (the server answered 404 too). */
export default function NotFound() {
  return (
    <AuthCard
      title="Page not found"
      subtitle="There is no page at this address. It may have moved, or the link may be incomplete."
    >
      <p>
        <Link to="/">Go to your workspace</Link>
      </p>
    </AuthCard>
  );
}
