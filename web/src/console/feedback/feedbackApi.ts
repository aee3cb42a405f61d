import { admin, qs, type Page } from '../../api.ts';

/** The console's client for the feedback inbox (issue 4): customers' feedback threads and transaction comments. */

const enc = encodeURIComponent;

export type ThreadStatus = 'open' | 'answered' | 'closed';
export const THREAD_STATUSES: ThreadStatus[] = ['open', 'answered', 'closed'];

export interface ThreadRow {
  id: string;
  kind: 'feedback' | 'comments';
  subject: string | null;
  status: ThreadStatus;
  /** The ledger transfer (ltr_) a comment thread is about. */
  transactionId: string | null;
  customerId: string;
  /** How many messages. */
  messages: number;
  createdAt: string;
  updatedAt: string;
}

export interface ThreadMessage {
  id: string;
  from: 'customer' | 'staff';
  text: string;
  createdAt: string;
  staffActor: string | null;
}

export interface Thread {
  id: string;
  kind: 'feedback' | 'comments';
  subject: string | null;
  status: ThreadStatus;
  transactionId: string | null;
  /** e-mail is masked. */
  customer: { id: string; email: string };
  messages: ThreadMessage[];
  createdAt: string;
  updatedAt: string;
}

export const listThreads = (status: ThreadStatus | '', before?: string | null, limit = 50, signal?: AbortSignal, customerId?: string) =>
  admin<Page<ThreadRow>>('GET', `/v1/admin/feedback${qs({ status: status || undefined, customerId, before, limit })}`, undefined, signal);
export const getThread = (id: string) => admin<Thread>('GET', `/v1/admin/feedback/${enc(id)}`);
export const replyToThread = (id: string, text: string) => admin<ThreadMessage>('POST', `/v1/admin/feedback/${enc(id)}/reply`, { text });
export const closeThread = (id: string) => admin<{ id: string; status: 'closed' }>('POST', `/v1/admin/feedback/${enc(id)}/close`, {});

export const threadTitle = (t: { kind: string; subject: string | null; transactionId: string | null }) =>
  t.subject ?? (t.kind === 'comments' ? `Comments on ${t.transactionId ?? 'a transaction'}` : 'Feedback');
