import { useEffect, useState } from 'react';
import { formatDateTime } from '../../format.ts';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { ReasonAction } from '../../ui/ReasonAction.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { IpBlockForm } from './IpBlockForm.tsx';
import { listIpBlocks, removeIpBlock } from './securityApi.ts';
import '../ledger/ledger.css';

const TONE: Record<string, string> = { active: 'danger', expired: 'muted', removed: 'muted' };

/** IP/subnet blocks: the active ones (or all, with expired and removed), adding one (security:write) and lifting it. */
export function IpBlocksSection({ canWrite }: { canWrite: boolean }) {
  const [show, setShow] = useState<'active' | 'all'>('active');
  const { data, error, loading, reload } = useLoad(() => listIpBlocks(show), [show]);
  useEffect(() => { document.title = 'IP blocks · Tollgate console'; }, []);

  return (
    <section className="stack" aria-labelledby="ipb-title">
      <div className="section-head">
        <h1 id="ipb-title">IP blocks</h1>
        <div className="segmented" role="tablist" aria-label="Which blocks">
          <button type="button" role="tab" aria-selected={show === 'active'} className={show === 'active' ? 'on' : ''} onClick={() => setShow('active')} data-testid="ipblocks-active">Active</button>
          <button type="button" role="tab" aria-selected={show === 'all'} className={show === 'all' ? 'on' : ''} onClick={() => setShow('all')} data-testid="ipblocks-all">All</button>
        </div>
      </div>
      {canWrite && <IpBlockForm onAdded={() => void reload()} />}
      <ErrorNotice error={error} />
      {loading && !data && <p className="muted">Loading…</p>}
      {data && data.data.length === 0 && <p className="muted" data-testid="ipblocks-empty">{show === 'active' ? 'No active blocks.' : 'No blocks yet.'}</p>}
      {data && data.data.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="ipblocks-table">
            <thead><tr><th>Range</th><th>Status</th><th>Scope</th><th>Reason</th><th>By</th><th>Expires</th>{canWrite && <th><span className="sr-only">Actions</span></th>}</tr></thead>
            <tbody>
              {data.data.map((b) => (
                <tr key={b.id} data-testid="ipblock-row" data-id={b.id} data-cidr={b.cidr} data-status={b.status}>
                  <td data-label="Range" className="mono">{b.cidr}</td>
                  <td data-label="Status"><span className={`badge badge-${TONE[b.status] ?? 'muted'}`}>{b.status}</span>{b.removedAt && <div className="small muted">{formatDateTime(b.removedAt)}{b.removedBy ? ` by ${b.removedBy}` : ''}</div>}</td>
                  <td data-label="Scope">{b.scope === 'all' ? 'everything' : 'public'}</td>
                  <td data-label="Reason" className="wrap-anywhere">{b.reason}{b.eventId && <div className="small muted">from event <span className="mono">{b.eventId}</span></div>}</td>
                  <td data-label="By" className="wrap-anywhere small">{b.createdBy}<div className="muted">{formatDateTime(b.createdAt)}</div></td>
                  <td data-label="Expires" className="nowrap">{b.expiresAt ? formatDateTime(b.expiresAt) : 'never'}</td>
                  {canWrite && (
                    <td data-label="">
                      {b.status === 'active' && (
                        <ReasonAction label="Remove" danger askReason={false} testId="ipblock-remove" prompt={`Lift the block on ${b.cidr}?`} confirmLabel="Yes, lift it"
                          onConfirm={() => removeIpBlock(b.id)} onDone={() => void reload()} />
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
