const LOOK: Record<string, { tone: string; label: string }> = {
  posted: { tone: 'success', label: 'Completed' },
  pending: { tone: 'info', label: 'Pending' },
  voided: { tone: 'muted', label: 'Cancelled' },
  expired: { tone: 'muted', label: 'Expired' },
};

/** An operation's status in the customer's words (data-status keeps the API's value). */
export function TxnStatus({ status, testId }: { status: string; testId?: string }) {
  const l = LOOK[status] ?? { tone: 'neutral', label: status };
  return <span className={`badge badge-${l.tone}`} data-status={status} data-testid={testId}>{l.label}</span>;
}
