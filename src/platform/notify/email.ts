import nodemailer from 'nodemailer';
import type { Sql } from '../db/db.ts';
import { newId } from '../ids.ts';

/**
 * Outbound e-mail port. Messages are written to `notifications` inside the business transaction
 * (outbox); a job sends them afterwards: via SMTP when SMTP_URL is set, otherwise they stay in the
 * dev outbox, readable in the console.
 */
export interface EmailMessage { to: string; subject: string; text: string; html?: string; subjectId?: string }

export interface EmailTransport {
  readonly name: 'smtp' | 'outbox';
  send(msg: EmailMessage & { from: string }): Promise<void>;
}

export function createEmailTransport(smtpUrl: string | undefined): EmailTransport {
  if (!smtpUrl) return { name: 'outbox', send: async () => undefined };
  const transporter = nodemailer.createTransport(smtpUrl);
  return {
    name: 'smtp',
    send: async (msg) => {
      await transporter.sendMail({ from: msg.from, to: msg.to, subject: msg.subject, text: msg.text, html: msg.html });
    },
  };
}

/** Writes the message in the caller's transaction; returns its id (the job that sends it uses it). */
export async function queueEmail(trx: Sql, msg: EmailMessage, status: 'queued' | 'outbox' = 'queued'): Promise<string> {
  const id = newId('msg');
  await trx.query(
    `INSERT INTO notifications (id, channel, recipient, subject, body_text, body_html, subject_id, status) VALUES ($1, 'email', $2, $3, $4, $5, $6, $7)`,
    [id, msg.to, msg.subject, msg.text, msg.html ?? null, msg.subjectId ?? null, status],
  );
  return id;
}
