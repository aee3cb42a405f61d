import { humanize } from '../format.ts';

const TONES: Record<string, string> = {
  pending_payment: 'neutral',
  paid: 'info',
  fulfilling: 'info',
  delivering: 'info',
  in_progress: 'info',
  running: 'info',
  queued: 'neutral',
  pending: 'neutral',
  on_hold: 'warning',
  fulfilled: 'success',
  delivered: 'success',
  done: 'success',
  succeeded: 'success',
  failed: 'danger',
  dead: 'danger',
  refunded: 'muted',
  expired: 'muted',
  cancelled: 'muted',
  voided: 'muted',
};

const LABELS: Record<string, string> = { pending_payment: 'Awaiting payment', on_hold: 'On hold' };

export function StatusBadge({ status, testId, label }: { status: string; testId?: string; label?: string }) {
  return (
    <span className={`badge badge-${TONES[status] ?? 'neutral'}`} data-testid={testId} data-status={status}>
      {label ?? LABELS[status] ?? humanize(status)}
    </span>
  );
}
