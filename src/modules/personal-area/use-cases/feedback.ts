import { AppError, notFound } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import { assertTransition } from '../../../platform/states.ts';
import { audit } from '../../staff/index.ts';
import { maskEmail } from '../../customers/index.ts';
import type { PersonalAreaDeps } from '../personal-area.deps.ts';
import type { Caller, PersonalAreaCore } from '../personal-area.core.ts';
import { THREAD_TRANSITIONS } from '../personal-area.states.ts';
import * as repo from '../personal-area.repo.ts';

/**
 * Plain text only: control characters other than newlines and tabs are dropped, surrounding space trimmed.
 * Output is escaped where it becomes HTML (the web renders text nodes; the receipt escapes); JSON carries it as is.
 */
export function cleanText(s: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const t = s.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
  if (t.length === 0) throw new AppError('validation_failed', 'text must not be empty');
  if (t.length > max) throw new AppError('validation_failed', `text is at most ${max} characters`);
  return t;
}

const messageView = (m: repo.Message) => ({ id: m.id, from: m.author, text: m.body, createdAt: m.createdAt });

/**
 * Comments on a transaction and feedback threads. A transaction's comments are one thread (kind 'comments')
 * per customer and transaction, so support sees and answers them in the same inbox as general feedback, and a
 * staff reply shows among the transaction's comments.
 */
export function feedback(d: PersonalAreaDeps, k: PersonalAreaCore) {
  async function threadsView(threads: repo.Thread[]) {
    const messages = await repo.messagesOf(d.db, threads.map((t) => t.id));
    const by = new Map<string, repo.Message[]>();
    for (const m of messages) by.set(m.threadId, [...(by.get(m.threadId) ?? []), m]);
    return threads.map((t) => ({
      id: t.id, kind: t.kind, subject: t.subject, status: t.status, transactionId: t.transactionId,
      messages: (by.get(t.id) ?? []).map(messageView), createdAt: t.createdAt, updatedAt: t.updatedAt,
    }));
  }

  async function comment(c: Caller, transactionId: string, text: string) {
    await k.ownTxn(c, transactionId); // 404 (+ signal) for someone else's transaction
    const body = cleanText(text, 2000);
    const customerId = c.auth.customerId;
    return d.db.tx(async (trx) => {
      let thread = await repo.commentThread(trx, customerId, transactionId, true);
      if (!thread) {
        await repo.insertThread(trx, { id: newId('fbk'), customerId, kind: 'comments', subject: null, transactionId });
        thread = (await repo.commentThread(trx, customerId, transactionId, true))!;
      }
      const m = await repo.addMessage(trx, { id: newId('cmt'), threadId: thread.id, author: 'customer', staffActor: null, body, status: 'open' });
      return messageView(m);
    });
  }

  async function create(c: Caller, input: { subject?: string; text: string; transactionId?: string }) {
    if (input.transactionId) await k.ownTxn(c, input.transactionId);
    const body = cleanText(input.text, 2000);
    const subject = input.subject === undefined ? null : cleanText(input.subject, 200).replace(/\n/g, ' ');
    const id = newId('fbk');
    await d.db.tx(async (trx) => {
      await repo.insertThread(trx, { id, customerId: c.auth.customerId, kind: 'feedback', subject, transactionId: input.transactionId ?? null });
      await repo.addMessage(trx, { id: newId('cmt'), threadId: id, author: 'customer', staffActor: null, body, status: 'open' });
    });
    return { id };
  }

  async function list(customerId: string, opts: { limit?: number; before?: string } = {}) {
    const threads = await repo.listThreads(d.db, { customerId, limit: Math.min(Math.max(opts.limit ?? 50, 1), 200), before: opts.before ?? null });
    return threadsView(threads);
  }

  async function ownThread(c: Caller, id: string) {
    const t = await repo.getThread(d.db, id);
    if (!t) throw notFound('feedback');
    if (t.customerId !== c.auth.customerId) throw k.foreign(c, 'feedback', id);
    return t;
  }

  async function get(c: Caller, id: string) {
    const [v] = await threadsView([await ownThread(c, id)]);
    return v;
  }

  async function addMessage(c: Caller, id: string, text: string) {
    await ownThread(c, id);
    const body = cleanText(text, 2000);
    return d.db.tx(async (trx) => {
      const t = (await repo.getThread(trx, id, true))!;
      assertTransition('feedback', THREAD_TRANSITIONS, t.status, 'open'); // a new message reopens a closed thread
      return messageView(await repo.addMessage(trx, { id: newId('cmt'), threadId: id, author: 'customer', staffActor: null, body, status: 'open' }));
    });
  }

  // ---------- staff ----------

  async function adminList(f: { status?: repo.ThreadStatus; customerId?: string; before?: string; limit?: number }) {
    const threads = await repo.listThreads(d.db, { status: f.status, customerId: f.customerId, before: f.before ?? null, limit: Math.min(Math.max(f.limit ?? 50, 1), 200) });
    return threads.map((t) => ({
      id: t.id, kind: t.kind, subject: t.subject, status: t.status, transactionId: t.transactionId, customerId: t.customerId,
      messages: t.messages, createdAt: t.createdAt, updatedAt: t.updatedAt,
    }));
  }

  async function adminGet(id: string) {
    const t = await repo.getThread(d.db, id);
    if (!t) throw notFound('feedback');
    const customer = await d.customers.getCustomer(t.customerId);
    const messages = await repo.messagesOf(d.db, [t.id]);
    return {
      id: t.id, kind: t.kind, subject: t.subject, status: t.status, transactionId: t.transactionId, createdAt: t.createdAt, updatedAt: t.updatedAt,
      customer: { id: t.customerId, email: customer ? maskEmail(customer.email) : '•••' },
      messages: messages.map((m) => ({ ...messageView(m), staffActor: m.staffActor })),
    };
  }

  async function reply(actor: string, id: string, text: string, ip: string | null) {
    const body = cleanText(text, 2000);
    return d.db.tx(async (trx) => {
      const t = await repo.getThread(trx, id, true);
      if (!t) throw notFound('feedback');
      if (t.status === 'closed') throw new AppError('illegal_transition', 'this thread is closed; the customer can reopen it by writing again');
      assertTransition('feedback', THREAD_TRANSITIONS, t.status, 'answered');
      const m = await repo.addMessage(trx, { id: newId('cmt'), threadId: id, author: 'staff', staffActor: actor, body, status: 'answered' });
      await audit(trx, { actor, action: 'feedback.replied', subjectId: id, ip, details: { messageId: m.id, customerId: t.customerId, length: body.length } });
      return { ...messageView(m), staffActor: actor };
    });
  }

  async function close(actor: string, id: string, ip: string | null) {
    return d.db.tx(async (trx) => {
      const t = await repo.getThread(trx, id, true);
      if (!t) throw notFound('feedback');
      if (t.status === 'closed') return { id, status: 'closed' as const };
      assertTransition('feedback', THREAD_TRANSITIONS, t.status, 'closed');
      await repo.setThreadStatus(trx, id, 'closed');
      await audit(trx, { actor, action: 'feedback.closed', subjectId: id, ip, details: { customerId: t.customerId } });
      return { id, status: 'closed' as const };
    });
  }

  return { comment, create, list, get, addMessage, admin: { list: adminList, get: adminGet, reply, close } };
}
