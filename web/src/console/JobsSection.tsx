import { useState } from 'react';
import { listJobs, retryJob, type JobCounts } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { ErrorNotice } from '../ui/Notice.tsx';
import { StatusBadge } from '../ui/StatusBadge.tsx';
import { useAction } from '../ui/useAction.ts';
import { useLoad } from '../ui/useLoad.ts';

const STATUSES: (keyof JobCounts)[] = ['dead', 'queued', 'running', 'done'];

export function JobsSection({ canWrite }: { canWrite: boolean }) {
  const [status, setStatus] = useState<keyof JobCounts>('dead');
  const { data, error, loading, reload } = useLoad(() => listJobs(status), [status]);
  const retrying = useAction();

  function retry(id: string) {
    return retrying.run(async () => { await retryJob(id); await reload(); }, id);
  }

  return (
    <section className="stack" aria-labelledby="jobs-title">
      <div className="section-head">
        <h1 id="jobs-title">Jobs</h1>
        <button type="button" className="btn btn-small" onClick={() => void reload()} disabled={loading}>Refresh</button>
      </div>
      <p className="muted small">Dead jobs ran out of attempts; fix the cause, then retry them. Drivers use idempotency keys, so a retry never delivers twice.</p>
      {data?.counts && (
        <div className="tiles" data-testid="job-counts">
          {STATUSES.map((s) => (
            <button type="button" key={s} className={`tile ${status === s ? 'active' : ''} ${s === 'dead' && data.counts[s] > 0 ? 'tile-danger' : ''}`} onClick={() => setStatus(s)} aria-pressed={status === s} data-testid={`job-count-${s}`}>
              <span className="tile-num">{data.counts[s] ?? 0}</span>
              <span className="tile-label">{s}</span>
            </button>
          ))}
        </div>
      )}
      <ErrorNotice error={error ?? retrying.error} />
      {loading && !data && <p className="muted">Loading…</p>}
      <div className="table-wrap">
        <table className="table" data-testid="jobs-table">
          <thead><tr><th>Job</th><th>Queue / kind</th><th>Status</th><th className="num">Attempts</th><th>Last error</th><th>Updated</th>{canWrite && <th><span className="sr-only">Actions</span></th>}</tr></thead>
          <tbody>
            {(data?.data ?? []).map((j) => (
              <tr key={j.id} data-testid="job-row" data-job-id={j.id}>
                <td data-label="Job" className="mono">
                  {j.id}
                  <details className="small"><summary>payload</summary><pre className="pre">{JSON.stringify(j.payload, null, 2)}</pre></details>
                </td>
                <td data-label="Queue / kind">{j.queue}<div className="small muted">{j.kind}</div></td>
                <td data-label="Status"><StatusBadge status={j.status} /></td>
                <td data-label="Attempts" className="num">{j.attempts}/{j.maxAttempts}</td>
                <td data-label="Last error" className="wrap-anywhere">{j.lastError ? <span className="error-text">{j.lastError}</span> : <span className="muted">—</span>}</td>
                <td data-label="Updated" className="nowrap">{formatDateTime(j.updatedAt)}</td>
                {canWrite && (
                  <td data-label="">
                    {(j.status === 'dead' || j.status === 'failed') && (
                      <button type="button" className="btn btn-small" disabled={retrying.pending === j.id} onClick={() => void retry(j.id)} data-testid="job-retry">
                        {retrying.pending === j.id ? 'Retrying…' : 'Retry'}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data && data.data.length === 0 && <p className="muted" data-testid="jobs-empty">No {status} jobs.</p>}
    </section>
  );
}
