import type { StaffSession } from '../api.ts';
import { Link } from '../router.tsx';
import { AlertsBadge } from './AlertsBadge.tsx';
import { AutomationBanner, AutomationSwitch, useAutomation } from './AutomationSwitch.tsx';
import { can } from './session.ts';

export function HeaderBar({ session, onSignOut }: { session: StaffSession; onSignOut: () => void }) {
  const automation = useAutomation();
  return (
    <>
      <header className="console-header" data-testid="console-header">
        <Link to="/console" className="brand brand-light"><span className="brand-mark" aria-hidden="true">T</span> <span className="hide-sm">Tollgate</span> console</Link>
        <div className="console-header-actions">
          <AutomationSwitch state={automation.state} canWrite={can(session, 'automation:write')} onChanged={automation.setState} />
          {can(session, 'alerts:read') && <AlertsBadge />}
          <div className="whoami">
            <span className="hide-sm" data-testid="staff-name">{session.staff.name}</span>
            <span className="pill pill-muted" data-testid="staff-role">{session.staff.role}</span>
            <button type="button" className="btn btn-small btn-ghost-light" onClick={onSignOut} data-testid="sign-out">Sign out</button>
          </div>
        </div>
      </header>
      <AutomationBanner state={automation.state} />
    </>
  );
}
