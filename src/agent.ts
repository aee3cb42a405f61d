import { DemoPlatformBrowserTransfers } from './modules/platforms/demo-browser.ts';
import { PlatformRefused } from './modules/platforms/directory.ts';
import type { DeliverPayload } from './modules/fulfilment/index.ts';

/**
 * `tollgate agent`: the browser fulfilment driver running outside Tollgate, over the agent API.
 * claim (with a lease) → heartbeat while working → complete with proof | fail with a reason.
 * The driver checks the platform's transfer history for the job's reference before sending, so a
 * crash or an expired lease never sends coins twice.
 */
export interface AgentOptions { url: string; token: string; queue: string; platformUrl: string; sellerPassword: string; once: boolean; chromiumPath?: string; log?: (msg: string) => void }

export async function runAgent(o: AgentOptions): Promise<{ completed: number; failed: number }> {
  const log = o.log ?? ((m: string) => process.stdout.write(`[agent] ${m}\n`));
  const driver = new DemoPlatformBrowserTransfers({ baseUrl: o.platformUrl, sellerPassword: o.sellerPassword, chromiumPath: o.chromiumPath });
  const call = async (path: string, body: unknown) => {
    const res = await fetch(`${o.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
    const json = (await res.json().catch(() => ({}))) as Record<string, any>;
    if (!res.ok) throw new Error(`${path}: ${res.status} ${json?.error?.message ?? ''}`);
    return json;
  };
  let stop = false;
  const onSignal = () => { stop = true; log('stopping after the current job'); };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  let completed = 0;
  let failed = 0;
  try {
    while (!stop) {
      let jobs: Array<{ id: string; payload: DeliverPayload }>;
      try {
        jobs = (await call('/v1/agent/jobs/claim', { queues: [o.queue], limit: 1, leaseSeconds: 120 })).data;
      } catch (err) {
        log(`claim failed: ${(err as Error).message}`);
        if (o.once) break;
        await new Promise((r) => setTimeout(r, 5000));
        continue;
      }
      if (jobs.length === 0) {
        if (o.once) break;
        await new Promise((r) => setTimeout(r, 2000));
        continue;
      }
      for (const job of jobs) {
        const p = job.payload;
        const beat = setInterval(() => void call(`/v1/agent/jobs/${job.id}/heartbeat`, { leaseSeconds: 120 }).catch((e) => log(`heartbeat: ${e.message}`)), 30_000);
        try {
          log(`job ${job.id}: ${p.coins} coins to ${p.platformUserId} (ref ${p.reference})`);
          const r = await driver.sendCoins({ toUserId: String(p.platformUserId), coins: Number(p.coins), reference: p.reference });
          await call(`/v1/agent/jobs/${job.id}/complete`, { proof: { transferId: r.transferId, replayed: r.replayed, driver: 'demo-platform-browser' } });
          completed++;
          log(`job ${job.id}: done, transfer ${r.transferId}${r.replayed ? ' (already sent earlier)' : ''}`);
        } catch (err) {
          failed++;
          const refused = err instanceof PlatformRefused;
          log(`job ${job.id}: ${refused ? 'refused' : 'failed'}: ${(err as Error).message}`);
          await call(`/v1/agent/jobs/${job.id}/fail`, { reason: (err as Error).message.slice(0, 900), retryable: !refused }).catch((e) => log(`fail report: ${e.message}`));
        } finally {
          clearInterval(beat);
        }
      }
    }
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await driver.close();
  }
  return { completed, failed };
}
