import type { LiveStatus } from '../useLiveEvents.ts';

const TEXT: Record<LiveStatus, string> = {
  live: 'Live',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  off: 'Refresh to update',
};

/** Whether the list below updates by itself. */
export function LiveBadge({ status }: { status: LiveStatus }) {
  return (
    <span className={`live-badge live-${status}`} data-testid="live-status" data-status={status} role="status">
      <span className="live-dot" aria-hidden="true" />
      {TEXT[status]}
    </span>
  );
}
