import type { LookupState } from './useUserLookup.ts';

/** The live answer under the platform user id field. data-state: idle | checking | found | not_found | error. */
export function UserIdStatus({ result, platform, onRetry }: { result: LookupState; platform: string; onRetry: () => void }) {
  switch (result.state) {
    case 'idle':
      return (
        <p className="hint" data-testid="user-id-status" data-state="idle">
          We check the id before you pay, so your coins can't go to the wrong account.
        </p>
      );
    case 'checking':
      return (
        <p className="hint" data-testid="user-id-status" data-state="checking" aria-live="polite">
          <span className="spinner" aria-hidden="true" /> Checking…
        </p>
      );
    case 'found':
      return (
        <p className="field-ok" data-testid="user-id-status" data-state="found" aria-live="polite">
          ✓ Sending to <strong data-testid="platform-display-name">{result.user.displayName}</strong>
        </p>
      );
    case 'not_found':
      return (
        <p className="field-error" data-testid="user-id-status" data-state="not_found" aria-live="polite">
          We can't find this user id on {platform}. Check it in the app's profile page and paste it again.
          {result.detail && <span className="block small">{result.detail}</span>}
        </p>
      );
    case 'error':
      return (
        <p className="field-error" data-testid="user-id-status" data-state="error" aria-live="polite">
          {result.message}{' '}
          <button type="button" className="linklike" onClick={onRetry}>Check again</button>
        </p>
      );
  }
}
