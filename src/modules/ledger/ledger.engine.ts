import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AccountState, StoredTransfer } from './ledger.repo.ts';
import { CLIENT_ID_PATTERN, TRANSFER_KINDS, type HoldState, type Leg, type TransferOutcome } from './ledger.schema.ts';

/**
 * The ledger's rules, applied in memory to the state of locked accounts. A batch (one database transaction)
 * runs every group through `applyGroup` in order against running balances; a group that breaks a rule
 * leaves the state untouched and fails alone. The caller then writes what the successful groups changed.
 */

export const DEFAULT_HOLD_SECONDS = 7 * 86_400;
export const MAX_HOLD_SECONDS = 366 * 86_400;
const MAX = Number.MAX_SAFE_INTEGER;
const KINDS = new Set<string>(TRANSFER_KINDS);
const MAX_METADATA_BYTES = 4096;
const MAX_GROUP = 100;

/** Internal leg: what the expiry sweep submits (callers cannot). */
export interface ExpireLeg { type: 'expire_pending'; id: string; pendingId: string; metadata?: null; description?: string }
export type AnyLeg = Leg | ExpireLeg;

export interface HoldInfo { transfer: StoredTransfer; state: HoldState; expiresAt: Date }

export interface WorkingSet {
  now: Date;
  accounts: Map<string, AccountState>;
  /** Holds referenced by the batch (by the pending transfer's ltr_ id). */
  holds: Map<string, HoldInfo>;
  /** Transfers already committed, by client id. */
  existing: Map<string, StoredTransfer>;
  /** Transfers written by earlier groups of this batch, by client id. */
  applied: Map<string, StoredTransfer>;
  /** What to write at the end. */
  out: { transfers: StoredTransfer[]; newHolds: Array<{ id: string; expiresAt: Date }>; resolved: Array<{ id: string; state: HoldState; by: string }> };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (msg: string) => new AppError('validation_failed', msg);
const isAmount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.trim().length > 0 && v.length <= max && !v.includes('\u0000');

/** Checks the shape of one leg (no database needed). Returns the first problem or null. */
export function checkLeg(leg: AnyLeg, internal = false): AppError | null {
  if (!isPlainObject(leg)) return bad('a transfer must be an object');
  if (typeof leg.id !== 'string' || !CLIENT_ID_PATTERN.test(leg.id)) return bad('id must be 1–128 characters of letters, digits, _ . : -');
  if (leg.metadata != null) {
    if (!isPlainObject(leg.metadata)) return bad(`${leg.id}: metadata must be an object`);
    const json = JSON.stringify(leg.metadata);
    if (json.length > MAX_METADATA_BYTES) return bad(`${leg.id}: metadata is larger than ${MAX_METADATA_BYTES} bytes`);
    if (json.includes('\\u0000')) return bad(`${leg.id}: metadata may not contain NUL characters`);
  }
  const type = leg.type ?? 'posted';
  if (type === 'posted' || type === 'pending') {
    const l = leg as Extract<Leg, { debitAccountId: string }>;
    if (typeof l.debitAccountId !== 'string' || typeof l.creditAccountId !== 'string') return bad(`${leg.id}: debitAccountId and creditAccountId are required`);
    if (l.debitAccountId === l.creditAccountId) return bad(`${leg.id}: debit and credit account must differ`);
    if (!isAmount(l.amount)) return bad(`${leg.id}: amount must be a positive integer of minor units (≤ ${MAX})`);
    if (typeof l.currency !== 'string' || !/^[A-Z]{3}$/.test(l.currency)) return bad(`${leg.id}: currency must be an ISO 4217 code`);
    if (!KINDS.has(l.kind)) return bad(`${leg.id}: unknown kind ${String(l.kind)}`);
    if (!isText(l.description, 500)) return bad(`${leg.id}: description is required (≤ 500 characters)`);
    if (type === 'posted' && l.timeoutSeconds !== undefined) return bad(`${leg.id}: timeoutSeconds is for holds (type pending) only`);
    if (l.timeoutSeconds !== undefined && !(Number.isSafeInteger(l.timeoutSeconds) && l.timeoutSeconds > 0 && l.timeoutSeconds <= MAX_HOLD_SECONDS)) {
      return bad(`${leg.id}: timeoutSeconds must be an integer between 1 and ${MAX_HOLD_SECONDS}`);
    }
    return null;
  }
  if (type === 'post_pending' || type === 'void_pending' || (internal && type === 'expire_pending')) {
    const l = leg as { pendingId?: unknown; amount?: unknown; description?: unknown };
    if (typeof l.pendingId !== 'string' || l.pendingId.length === 0 || l.pendingId.length > 64) return bad(`${leg.id}: pendingId is required`);
    if (type === 'post_pending' && l.amount !== undefined && !isAmount(l.amount)) return bad(`${leg.id}: amount must be a positive integer of minor units (void the hold to release all of it)`);
    if (type !== 'post_pending' && l.amount !== undefined) return bad(`${leg.id}: a void releases the whole hold; it takes no amount`);
    if (l.description !== undefined && !isText(l.description, 500)) return bad(`${leg.id}: description must be 1–500 characters`);
    return null;
  }
  return bad(`${(leg as { id: string }).id}: unknown type ${String(type)}`);
}

/** Checks a whole group's shape: its legs, its size, no id twice. `internal`: the sweep's expire legs are allowed. */
export function checkGroup(legs: AnyLeg[], internal = false): { error: AppError; legIndex: number } | null {
  if (!Array.isArray(legs) || legs.length === 0) return { error: bad('at least one transfer is required'), legIndex: 0 };
  if (legs.length > MAX_GROUP) return { error: bad(`at most ${MAX_GROUP} linked transfers`), legIndex: 0 };
  const seen = new Set<string>();
  for (let i = 0; i < legs.length; i++) {
    const e = checkLeg(legs[i], internal);
    if (e) return { error: e, legIndex: i };
    if (seen.has(legs[i].id)) return { error: bad(`id ${legs[i].id} appears twice in one group`), legIndex: i };
    seen.add(legs[i].id);
  }
  return null;
}

/** Key order-insensitive JSON (jsonb does not keep key order). */
export function canonical(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The ltr_ ids of holds the legs refer to. */
export function pendingIdsOf(legs: AnyLeg[]): string[] {
  const out: string[] = [];
  for (const l of legs) if ('pendingId' in l && typeof l.pendingId === 'string') out.push(l.pendingId);
  return out;
}

/** The accounts the legs name directly (holds add their own once loaded). */
export function accountIdsOf(legs: AnyLeg[]): string[] {
  const out: string[] = [];
  for (const l of legs) if ('debitAccountId' in l) out.push(l.debitAccountId, l.creditAccountId);
  return out;
}

function holdDescription(leg: AnyLeg, hold: StoredTransfer): string {
  if (leg.description) return leg.description;
  if (leg.type === 'post_pending') return hold.description;
  if (leg.type === 'void_pending') return `void: ${hold.description}`.slice(0, 500);
  return `expired: ${hold.description}`.slice(0, 500);
}

/** Does this stored transfer record exactly this leg? */
function sameContents(leg: AnyLeg, t: StoredTransfer, ws: WorkingSet): boolean {
  if (canonical(leg.metadata) !== canonical(t.metadata)) return false;
  const type = leg.type ?? 'posted';
  if (t.type !== type) return false;
  if (type === 'posted' || type === 'pending') {
    const l = leg as Extract<Leg, { debitAccountId: string }>;
    return l.debitAccountId === t.debitAccountId && l.creditAccountId === t.creditAccountId && l.amount === t.amount && l.currency === t.currency
      && l.kind === t.kind && l.description === t.description && (type === 'posted' || (l.timeoutSeconds ?? DEFAULT_HOLD_SECONDS) === t.timeoutSeconds);
  }
  const l = leg as PostOrVoid;
  if (l.pendingId !== t.pendingId) return false;
  const hold = ws.holds.get(l.pendingId)?.transfer;
  if (!hold) return false;
  const amount = type === 'post_pending' ? (l.amount ?? hold.amount) : hold.amount;
  return amount === t.amount && holdDescription(leg, hold) === t.description;
}
type PostOrVoid = { type: 'post_pending' | 'void_pending' | 'expire_pending'; pendingId: string; amount?: number; description?: string };

/** A replay of an earlier group? → its transfers; a reused id → an error; neither → null. */
function replay(legs: AnyLeg[], ws: WorkingSet): TransferOutcome | null {
  if (ws.existing.size === 0 && ws.applied.size === 0) return null;
  let any = false;
  for (const l of legs) if (ws.applied.has(l.id) || ws.existing.has(l.id)) { any = true; break; }
  if (!any) return null;
  const found = legs.map((l) => ws.applied.get(l.id) ?? ws.existing.get(l.id));
  const first = found.findIndex((f) => f !== undefined);
  if (first === -1) return null;
  const reused = (i: number, why: string): TransferOutcome => ({ ok: false, legIndex: i, error: new AppError('transfer_id_reused', `transfer id ${legs[i].id} was already used ${why}`) });
  for (let i = 0; i < legs.length; i++) {
    const t = found[i];
    if (!t) return reused(first, 'in a different group of transfers');
    if (!sameContents(legs[i], t, ws)) return reused(i, 'for a transfer with different contents');
    if (legs.length === 1 ? t.linkId !== null : t.linkId === null || t.linkId !== found[0]!.linkId || t.linkSize !== legs.length) {
      return reused(i, 'in a different group of transfers');
    }
  }
  return { ok: true, transfers: found as StoredTransfer[], replayed: true };
}

const fail = (legIndex: number, error: AppError): TransferOutcome => ({ ok: false, legIndex, error });

/** The debit account's debits (posted + pending) within its limit? */
function debitLimitError(a: AccountState): AppError | null {
  if (a.dp > MAX || a.dpe > MAX || a.dp + a.dpe > MAX) return new AppError('limit_exceeded', `account ${a.id} would exceed the largest representable amount`);
  if (!a.dmnec) return null;
  const limit = a.cp + (a.allowOverdraft ? a.overdraftLimit : 0);
  if (a.dp + a.dpe <= limit) return null;
  return a.allowOverdraft && a.overdraftLimit > 0
    ? new AppError('limit_exceeded', `account ${a.id} would exceed its overdraft limit`)
    : new AppError('insufficient_funds', `account ${a.id} has insufficient funds`);
}
function creditLimitError(a: AccountState): AppError | null {
  if (a.cp > MAX || a.cpe > MAX || a.cp + a.cpe > MAX) return new AppError('limit_exceeded', `account ${a.id} would exceed the largest representable amount`);
  if (a.cmned && a.cp + a.cpe > a.dp) return new AppError('limit_exceeded', `account ${a.id} may not take more credits than debits`);
  return null;
}

/** Balances as they were before the group touched them, to put back if the group fails. */
type Undo = Array<[AccountState, number, number, number, number]>;
function touch(undo: Undo, a: AccountState): AccountState {
  undo.push([a, a.dp, a.cp, a.dpe, a.cpe]);
  return a;
}
function rollback(undo: Undo): void {
  for (let i = undo.length - 1; i >= 0; i--) {
    const [a, dp, cp, dpe, cpe] = undo[i];
    a.dp = dp; a.cp = cp; a.dpe = dpe; a.cpe = cpe;
  }
}

/**
 * Applies one group (all or nothing) to the working set. The group's shape must have been checked
 * (checkGroup). On success the group's balances, holds and transfers are in `ws`; on failure `ws` is as before.
 */
export function applyGroup(ws: WorkingSet, legs: AnyLeg[]): TransferOutcome {
  const r = replay(legs, ws);
  if (r) return r;

  const undo: Undo = [];
  let holdChanges: Map<string, HoldState> | null = null;
  const created: StoredTransfer[] = [];
  const createdAt = ws.now;
  const failed = (i: number, e: AppError) => { rollback(undo); return fail(i, e); };

  for (let i = 0; i < legs.length; i++) {
    const leg = legs[i];
    const type = leg.type ?? 'posted';
    if (type === 'posted' || type === 'pending') {
      const l = leg as Extract<Leg, { debitAccountId: string }>;
      const dr = ws.accounts.get(l.debitAccountId);
      const cr = ws.accounts.get(l.creditAccountId);
      if (!dr) return failed(i, new AppError('not_found', `account ${l.debitAccountId} not found`));
      if (!cr) return failed(i, new AppError('not_found', `account ${l.creditAccountId} not found`));
      if (dr.status !== 'open') return failed(i, new AppError('unprocessable', `account ${dr.id} is closed`));
      if (dr.currency !== l.currency) return failed(i, new AppError('unprocessable', `account ${dr.id} holds ${dr.currency}, not ${l.currency}`));
      if (cr.status !== 'open') return failed(i, new AppError('unprocessable', `account ${cr.id} is closed`));
      if (cr.currency !== l.currency) return failed(i, new AppError('unprocessable', `account ${cr.id} holds ${cr.currency}, not ${l.currency}`));
      touch(undo, dr); touch(undo, cr);
      if (type === 'pending') { dr.dpe += l.amount; cr.cpe += l.amount; } else { dr.dp += l.amount; cr.cp += l.amount; }
      const err = debitLimitError(dr) ?? creditLimitError(cr);
      if (err) return failed(i, err);
      const timeout = type === 'pending' ? (l.timeoutSeconds ?? DEFAULT_HOLD_SECONDS) : null;
      created.push({
        id: newId('ltr'), clientId: l.id, type, debitAccountId: dr.id, creditAccountId: cr.id, amount: l.amount, currency: l.currency, kind: l.kind,
        description: l.description, metadata: l.metadata ?? null, pendingId: null, timeoutSeconds: timeout,
        expiresAt: timeout === null ? null : new Date(createdAt.getTime() + timeout * 1000), linkId: null, linkSize: 1, createdAt,
      });
      continue;
    }
    // post / void / expire a hold
    const l = leg as PostOrVoid & { id: string; metadata?: Record<string, unknown> | null };
    const info = ws.holds.get(l.pendingId);
    if (!info) return failed(i, new AppError('not_found', `hold ${l.pendingId} not found`));
    const hold = info.transfer;
    const state = holdChanges?.get(hold.id) ?? info.state;
    if (state !== 'pending') return failed(i, new AppError('illegal_transition', `hold ${hold.id} was already ${state}`));
    const due = info.expiresAt.getTime() <= ws.now.getTime();
    if (type === 'expire_pending' && !due) return failed(i, new AppError('illegal_transition', `hold ${hold.id} has not expired yet`));
    if (type !== 'expire_pending' && due) return failed(i, new AppError('illegal_transition', `hold ${hold.id} expired at ${info.expiresAt.toISOString()}`));
    const amount = type === 'post_pending' ? (l.amount ?? hold.amount) : hold.amount;
    if (amount > hold.amount) return failed(i, new AppError('unprocessable', `cannot post ${amount}: hold ${hold.id} is for ${hold.amount}`));
    const dr = ws.accounts.get(hold.debitAccountId);
    const cr = ws.accounts.get(hold.creditAccountId);
    if (!dr || !cr) return failed(i, new AppError('not_found', `an account of hold ${hold.id} is missing`));
    touch(undo, dr); touch(undo, cr);
    dr.dpe -= hold.amount; cr.cpe -= hold.amount;
    if (type === 'post_pending') { dr.dp += amount; cr.cp += amount; }
    const err = debitLimitError(dr) ?? creditLimitError(cr);
    if (err) return failed(i, err);
    (holdChanges ??= new Map()).set(hold.id, type === 'post_pending' ? 'posted' : type === 'void_pending' ? 'voided' : 'expired');
    created.push({
      id: newId('ltr'), clientId: l.id, type, debitAccountId: hold.debitAccountId, creditAccountId: hold.creditAccountId, amount, currency: hold.currency, kind: hold.kind,
      description: holdDescription(leg, hold), metadata: l.metadata ?? null, pendingId: hold.id, timeoutSeconds: null, expiresAt: null, linkId: null, linkSize: 1, createdAt,
    });
  }

  // The group holds: its balances are already in ws.accounts; record the rest.
  if (created.length > 1) for (const t of created) { t.linkId = created[0].id; t.linkSize = created.length; }
  if (holdChanges) for (const [id, next] of holdChanges) ws.holds.get(id)!.state = next;
  for (const t of created) {
    ws.applied.set(t.clientId, t);
    ws.out.transfers.push(t);
    if (t.expiresAt) ws.out.newHolds.push({ id: t.id, expiresAt: t.expiresAt });
    if (t.pendingId) ws.out.resolved.push({ id: t.pendingId, state: holdChanges!.get(t.pendingId)!, by: t.id });
  }
  return { ok: true, transfers: created, replayed: false };
}
