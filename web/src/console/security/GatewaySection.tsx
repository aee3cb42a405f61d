import { useEffect, useState } from 'react';
import { formatDateTime, formatNumber } from '../../format.ts';
import { ErrorNotice } from '../../ui/Notice.tsx';
import { useLoad } from '../../ui/useLoad.ts';
import { getGateway } from './securityApi.ts';
import '../ledger/ledger.css';

const BREAKER: Record<string, { tone: string; text: string }> = {
  closed: { tone: 'success', text: 'closed: calls flow normally' },
  half_open: { tone: 'warning', text: 'half open: trying one call to see if the internal system is back' },
  open: { tone: 'danger', text: 'open: the internal system failed repeatedly; calls are refused at once' },
  isolated: { tone: 'danger', text: 'isolated by an operator: every call is refused' },
};
const REJECTED: Record<string, string> = {
  rate_customer: 'Per-customer rate limit', rate_global: 'Global rate limit', concurrency_customer: 'Per-customer concurrency',
  concurrency_global: 'Global concurrency', breaker_open: 'Breaker open',
};
const ms = (v: number | null) => (v === null ? '—' : `${Math.round(v * 10) / 10} ms`);

/** The guarded gateway to the internal systems on this node: breaker, in-flight calls, rejections by reason, latency, limits. */
export function GatewaySection() {
  const { data: g, error, loading, reload } = useLoad(() => getGateway(), []);
  const [auto, setAuto] = useState(true);
  useEffect(() => { document.title = 'Gateway · Tollgate console'; }, []);
  useEffect(() => {
    if (!auto) return;
    const h = window.setInterval(() => { if (document.visibilityState === 'visible') void reload(); }, 5000);
    return () => window.clearInterval(h);
  }, [auto, reload]);

  const b = g ? BREAKER[g.breaker.state] ?? { tone: 'muted', text: g.breaker.state } : null;
  return (
    <section className="stack" aria-labelledby="gw-title">
      <div className="section-head">
        <h1 id="gw-title">Gateway to internal systems</h1>
        <label className="check small"><input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} /> refresh every 5 s</label>
        <button type="button" className="btn btn-small" onClick={() => void reload()} disabled={loading} data-testid="gateway-refresh">Refresh</button>
      </div>
      <p className="muted small">Every call from the public side to the internal accounting system passes here. These numbers are this node’s since it started.</p>
      <ErrorNotice error={error} />
      {loading && !g && <p className="muted">Loading…</p>}
      {g && b && (
        <>
          <div className={`notice notice-${b.tone === 'success' ? 'success' : b.tone === 'warning' ? 'warning' : 'error'}`} data-testid="gateway-breaker" data-state={g.breaker.state}>
            <strong>Circuit breaker {b.text}</strong>
            {g.breaker.openedAt && <> · opened {formatDateTime(g.breaker.openedAt)}</>}
            {g.breaker.consecutiveFailures > 0 && <> · {g.breaker.consecutiveFailures} failures in a row</>}
          </div>
          <div className="c4-tiles" data-testid="gateway-tiles">
            {([['In flight', g.inFlight, 'gateway-inflight'], ['Waiting', g.queued, ''], ['Calls', g.calls, ''], ['Succeeded', g.successes, ''], ['Refused (4xx)', g.refusals, ''], ['Failed', g.failures, ''], ['Timed out', g.timeouts, '']] as const).map(([label, n, t]) => (
              <div key={label} className={`tile ${(label === 'Failed' || label === 'Timed out') && n > 0 ? 'tile-danger' : ''}`}>
                <span className="tile-num" data-testid={t || undefined}>{formatNumber(n)}</span><span className="tile-label">{label}</span>
              </div>
            ))}
          </div>
          <div className="grid-2">
            <div className="card stack">
              <h2>Rejected before reaching the system</h2>
              <table className="table" data-testid="gateway-rejected">
                <tbody>
                  {Object.entries(g.rejected).map(([k, n]) => (
                    <tr key={k} data-reason={k}><td>{REJECTED[k] ?? k}</td><td className="c4-amount">{formatNumber(n)}</td></tr>
                  ))}
                </tbody>
              </table>
              <h2>Latency of recent calls</h2>
              <dl className="kv">
                <dt>p50</dt><dd>{ms(g.latencyMs.p50)}</dd>
                <dt>p99</dt><dd>{ms(g.latencyMs.p99)}</dd>
                <dt>max</dt><dd>{ms(g.latencyMs.max)}</dd>
                <dt>samples</dt><dd>{g.latencyMs.samples}</dd>
              </dl>
            </div>
            <div className="card stack">
              <h2>Limits</h2>
              <dl className="kv">
                <dt>Per customer</dt><dd>{g.settings.ratePerCustomerPerMinute}/min, {g.settings.concurrencyPerCustomer} at once</dd>
                <dt>All customers</dt><dd>{g.settings.rateGlobalPerSecond}/s, {g.settings.concurrencyGlobal} at once</dd>
                <dt>Timeout</dt><dd>{g.settings.timeoutMs} ms</dd>
                <dt>Breaker</dt><dd>opens after {g.settings.breakerFailures} failures, retries after {Math.round(g.settings.breakerHalfOpenMs / 1000)} s</dd>
                <dt>Rate counters</dt><dd>{g.rateLimitStore === 'redis' ? 'Redis (shared by all nodes)' : 'in memory (this node)'}</dd>
              </dl>
            </div>
          </div>
        </>
      )}
    </section>
  );
}
