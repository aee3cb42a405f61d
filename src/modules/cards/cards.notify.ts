import type { Sql } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import { queueEmail } from '../../platform/notify/email.ts';
import type { CardsDeps } from './cards.deps.ts';

export interface CardholderContact { emailEnc: string | null; phoneEnc: string | null }

/**
 * Tells a cardholder about their card, inside the caller's transaction (outbox: no outside call here).
 * E-mail: a notifications row, sent by the e-mail job when SMTP is configured, else kept in the dev outbox.
 * SMS: a notifications row with channel 'sms' in the dev outbox (no SMS provider is wired yet).
 * Returns the channels written.
 */
export async function notifyCardholder(d: CardsDeps, trx: Sql, holder: CardholderContact, msg: { subjectId: string; subject: string; text: string }): Promise<string[]> {
  const sent: string[] = [];
  if (holder.emailEnc) {
    const to = d.cipher.decrypt(holder.emailEnc);
    const outbox = d.notify.emailTransport === 'outbox';
    const messageId = await queueEmail(trx, { to, subject: msg.subject, text: msg.text, subjectId: msg.subjectId }, outbox ? 'outbox' : 'queued');
    if (!outbox) await enqueue(trx, { ...d.notify.emailJob, payload: { messageId }, dedupeKey: `email:${messageId}` });
    sent.push('email');
  }
  if (holder.phoneEnc) {
    const to = d.cipher.decrypt(holder.phoneEnc);
    await trx.query(
      `INSERT INTO notifications (id, channel, recipient, subject, body_text, subject_id, status) VALUES ($1, 'sms', $2, $3, $4, $5, 'outbox')`,
      [newId('msg'), to, msg.subject, `${msg.subject}. ${msg.text}`.slice(0, 480), msg.subjectId],
    );
    sent.push('sms');
  }
  return sent;
}
