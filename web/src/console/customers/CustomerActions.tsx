import { ReasonAction } from '../../ui/ReasonAction.tsx';
import { blockCustomer, resetTwoFactor, unblockCustomer, unlockCustomer, type CustomerDetail } from './customersApi.ts';

/** Block/unblock, lift a lockout and reset 2FA: each asks for a reason (audit log) and a confirmation. */
export function CustomerActions({ customer: c, onChanged }: { customer: CustomerDetail; onChanged: () => void }) {
  const hasStrongFactors = c.factors.totp || c.factors.passkeys > 0 || c.factors.recoveryCodesLeft > 0;
  return (
    <div className="card stack" data-testid="customer-actions">
      <h2>Actions</h2>
      <p className="small muted">Every action is written to the audit log with your reason.</p>
      <div className="actions">
        {c.status === 'active' ? (
          <ReasonAction label="Block customer" danger testId="customer-block" confirmLabel="Block"
            prompt={`Block ${c.email}? Their ${c.sessions === 1 ? 'open session ends' : `${c.sessions} open sessions end`} now and they cannot log in until unblocked.`}
            onConfirm={(r) => blockCustomer(c.id, r)} onDone={onChanged} />
        ) : (
          <ReasonAction label="Unblock customer" testId="customer-unblock" confirmLabel="Unblock"
            prompt={`Unblock ${c.email}? They can log in again.`} onConfirm={(r) => unblockCustomer(c.id, r)} onDone={onChanged} />
        )}
        {c.lockedUntil && (
          <ReasonAction label="Lift lockout" testId="customer-unlock" confirmLabel="Lift lockout"
            prompt="Lift the temporary lockout after failed logins or codes? Only do this once you are sure the customer is who they say." onConfirm={(r) => unlockCustomer(c.id, r)} onDone={onChanged} />
        )}
        {hasStrongFactors && (
          <ReasonAction label="Reset 2FA" danger testId="customer-reset-2fa" confirmLabel="Reset 2FA"
            prompt="Remove their authenticator app, passkeys and recovery codes (SMS to the verified phone stays) and end every session? Do this only after verifying their identity."
            onConfirm={(r) => resetTwoFactor(c.id, r)} onDone={onChanged} />
        )}
      </div>
    </div>
  );
}
