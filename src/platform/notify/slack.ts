/**
 * Slack incoming-webhook port: POST {url} with JSON { text, blocks? } (Slack's format). Called only from a
 * job (never on a decision's path), with a timeout; a non-2xx answer throws so the job retries with backoff.
 */
export interface SlackMessage { text: string; blocks?: unknown[] }

export interface SlackNotifier {
  readonly configured: boolean;
  send(msg: SlackMessage): Promise<void>;
}

export class SlackError extends Error {}

export function createSlackNotifier(webhookUrl: string | undefined, timeoutMs = 5000): SlackNotifier {
  return {
    configured: Boolean(webhookUrl),
    async send(msg) {
      if (!webhookUrl) return;
      let res: Response;
      try {
        res = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(msg), signal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        throw new SlackError(`Slack unreachable: ${(err as Error).message}`);
      }
      const body = await res.text().catch(() => '');
      if (!res.ok) throw new SlackError(`Slack answered ${res.status}: ${body.slice(0, 200)}`);
    },
  };
}

/** The alert as the seed's Slack bot wrote it: what, card (masked), merchant, amount. */
export function alertToSlack(a: { message: string; severity: string; details: Record<string, unknown> }): SlackMessage {
  const d = a.details;
  const lines = [`${a.severity === 'critical' ? ':rotating_light:' : ':warning:'} ${a.message}`];
  if (d.card) lines.push(`*Card:* ${d.card}`);
  if (d.merchant) lines.push(`Merchant: ${d.merchant}`);
  const amt = d.amount as { amount: number; currency: string } | undefined;
  if (amt && typeof amt.amount === 'number') lines.push(`Amount: ${amt.currency} ${(amt.amount / 100).toFixed(2)}`);
  if (d.rules) lines.push(`Rules: ${d.rules}`);
  return { text: lines.join('\n') };
}
