import type { Sql } from '../db/db.ts';
import type { FieldCipher } from '../crypto.ts';
import { newId } from '../ids.ts';
import { enqueue } from '../jobs/queue.ts';
import { JobFailure, type JobHandler } from '../jobs/worker.ts';

/**
 * Outbound text messages (second-factor codes). Sending is an outside call: never inside a database
 * transaction. Callers write the message as a job inside their transaction (`queueSms`, payload
 * encrypted: it holds a phone number and usually a code); the `sms.send` job calls the SmsSender after
 * commit, with retries. Adapters: a Twilio-compatible HTTP API, or the dev outbox (a table the console shows).
 */
export interface SmsMessage { to: string; body: string }

export interface SmsSender {
  readonly name: 'twilio' | 'outbox';
  /** Sends one message; returns the provider's id. Throws SmsError. */
  send(msg: SmsMessage): Promise<{ id: string }>;
}

/** A failed send. The message never carries the phone number or the body (it ends up in logs and job errors). */
export class SmsError extends Error {
  constructor(message: string, readonly status: number | null, readonly providerCode: string | number | null, readonly retryable: boolean) {
    super(message);
    this.name = 'SmsError';
  }
}

export interface TwilioOptions {
  /** e.g. https://api.twilio.com (SMS_API_BASE_URL) */
  baseUrl: string;
  accountSid: string;
  authToken: string;
  /** Sender: a phone number or an alphanumeric sender id (SMS_FROM). */
  from: string;
  timeoutMs?: number;
}

/**
 * Twilio's Messages API (and anything that speaks it): POST form-encoded To/From/Body to
 * {base}/2010-04-01/Accounts/{sid}/Messages.json with HTTP basic auth sid:token. Errors come back as
 * JSON `{ code, message, more_info, status }`; 4xx other than 429 are final, 5xx/429/network are retried.
 */
export class TwilioSmsSender implements SmsSender {
  readonly name = 'twilio' as const;
  constructor(private readonly opts: TwilioOptions) {}

  async send(msg: SmsMessage): Promise<{ id: string }> {
    const o = this.opts;
    const url = `${o.baseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(o.accountSid)}/Messages.json`;
    const body = new URLSearchParams({ To: msg.to, From: o.from, Body: msg.body });
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${o.accountSid}:${o.authToken}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: body.toString(),
        signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
      });
    } catch (err) {
      const timeout = (err as Error).name === 'TimeoutError';
      throw new SmsError(timeout ? 'SMS provider timed out' : 'SMS provider unreachable', null, null, true);
    }
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try { json = text ? (JSON.parse(text) as Record<string, unknown>) : {}; } catch { /* not JSON */ }
    if (res.ok) {
      const sid = typeof json.sid === 'string' ? json.sid : '';
      if (!sid) throw new SmsError(`SMS provider answered ${res.status} without a message sid`, res.status, null, false);
      return { id: sid };
    }
    // Twilio's error message often quotes the number: keep only the code, the status and the docs link.
    const code = typeof json.code === 'number' || typeof json.code === 'string' ? json.code : null;
    const info = typeof json.more_info === 'string' ? ` (${json.more_info})` : '';
    const retryable = res.status >= 500 || res.status === 429;
    throw new SmsError(`SMS provider refused the message: HTTP ${res.status}${code !== null ? `, error ${code}` : ''}${info}`, res.status, code, retryable);
  }
}

/** The dev outbox: stores each message (encrypted) where the console can show it. Nothing leaves the machine. */
export class OutboxSmsSender implements SmsSender {
  readonly name = 'outbox' as const;
  constructor(private readonly db: Sql, private readonly cipher: FieldCipher) {}
  async send(msg: SmsMessage): Promise<{ id: string }> {
    const id = newId('sms');
    await this.db.query(`INSERT INTO sms_outbox (id, to_enc, body_enc) VALUES ($1, $2, $3)`, [id, this.cipher.encrypt(msg.to), this.cipher.encrypt(msg.body)]);
    return { id };
  }
}

export function createSmsSender(cfg: { provider: 'twilio' | 'outbox'; apiBaseUrl: string; accountSid?: string; authToken?: string; from: string }, db: Sql, cipher: FieldCipher): SmsSender {
  if (cfg.provider === 'twilio') {
    if (!cfg.accountSid || !cfg.authToken) throw new Error('SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN');
    return new TwilioSmsSender({ baseUrl: cfg.apiBaseUrl, accountSid: cfg.accountSid, authToken: cfg.authToken, from: cfg.from });
  }
  return new OutboxSmsSender(db, cipher);
}

export interface OutboxMessage { id: string; to: string; body: string; createdAt: Date }

/** Newest first (the console's SMS outbox). */
export async function listSmsOutbox(db: Sql, cipher: FieldCipher, opts: { limit?: number; before?: string } = {}): Promise<OutboxMessage[]> {
  const rows = await db.query<{ id: string; to_enc: string; body_enc: string; created_at: Date }>(
    `SELECT id, to_enc, body_enc, created_at FROM sms_outbox WHERE ($1::text IS NULL OR id < $1) ORDER BY id DESC LIMIT $2`,
    [opts.before ?? null, opts.limit ?? 50],
  );
  return rows.map((r) => ({ id: r.id, to: cipher.decrypt(r.to_enc), body: cipher.decrypt(r.body_enc), createdAt: r.created_at }));
}

export const SMS_JOB = { queue: 'notify', kind: 'sms.send' } as const;

/**
 * Writes the message as a job in the caller's transaction (it exists iff the transaction commits); the
 * recipient and the body are encrypted in the payload. `dedupeKey` makes a retried caller send once.
 */
export async function queueSms(trx: Sql, cipher: FieldCipher, msg: SmsMessage & { dedupeKey?: string; maxAttempts?: number }): Promise<string | null> {
  return enqueue(trx, {
    ...SMS_JOB,
    payload: { to: cipher.encrypt(msg.to), body: cipher.encrypt(msg.body) },
    maxAttempts: msg.maxAttempts ?? 4,
    dedupeKey: msg.dedupeKey,
  });
}

/** The `sms.send` job handler (register it on the worker). Final provider refusals are not retried. */
export function smsJobHandler(sender: SmsSender, cipher: FieldCipher): JobHandler {
  return async (job) => {
    const p = job.payload as { to?: string; body?: string };
    if (typeof p.to !== 'string' || typeof p.body !== 'string') throw new JobFailure('malformed sms job payload', false);
    try {
      const r = await sender.send({ to: cipher.decrypt(p.to), body: cipher.decrypt(p.body) });
      return { via: sender.name, id: r.id };
    } catch (err) {
      if (err instanceof SmsError) throw new JobFailure(err.message, err.retryable);
      throw err;
    }
  };
}
