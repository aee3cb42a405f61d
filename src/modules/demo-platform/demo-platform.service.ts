import { hash, verify } from '@node-rs/argon2';
import type { Db, Sql } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import { randomToken, sha256Hex } from '../../platform/crypto.ts';
import * as repo from './demo-platform.repo.ts';
import type { DemoTransfer, DemoUser } from './demo-platform.repo.ts';

export type { DemoTransfer, DemoUser };

/**
 * Demo platform user ids: 6–32 characters of lowercase letters, digits, '_' and '.', starting and ending
 * with a letter or digit (e.g. "alice.gamer", "snk_20931"). The same rule is a CHECK in migration 0008.
 */
export const USER_ID_PATTERN = /^[a-z0-9][a-z0-9_.]{4,30}[a-z0-9]$/;
export const isValidUserId = (s: string) => USER_ID_PATTERN.test(s);

export const MAX_TRANSFER_COINS = 1_000_000_000;
export const MAX_NOTE_LENGTH = 200;
export const SESSION_TTL_SECONDS = 12 * 60 * 60;
export const SEARCH_LIMIT = 20;

export type RefusalCode =
  | 'malformed_user_id'
  | 'unknown_recipient'
  | 'self_transfer'
  | 'invalid_amount'
  | 'note_too_long'
  | 'insufficient_balance'
  | 'idempotency_key_reused';

/** Expected outcomes are values: a transfer is created, replayed (same idempotency key) or refused. */
export type TransferOutcome =
  | { status: 'created'; transfer: DemoTransfer }
  | { status: 'replayed'; transfer: DemoTransfer }
  | { status: 'refused'; code: RefusalCode; message: string };

export interface TransferInput {
  fromUserId: string;
  toUserId: string;
  coins: number;
  note: string;
  /** Namespaced key ("api:…", "ui:…"); null = no idempotency. */
  idempotencyKey: string | null;
}

const refused = (code: RefusalCode, message: string): TransferOutcome => ({ status: 'refused', code, message });

export async function getUser(db: Sql, userId: string): Promise<DemoUser | undefined> {
  return repo.findUser(db, userId);
}

export async function searchUsers(db: Sql, q: string): Promise<DemoUser[]> {
  const term = q.trim();
  return term ? repo.searchUsers(db, term, SEARCH_LIMIT) : [];
}

export function validateTransfer(input: Pick<TransferInput, 'fromUserId' | 'toUserId' | 'coins' | 'note'>): TransferOutcome | undefined {
  if (!isValidUserId(input.toUserId)) return refused('malformed_user_id', `"${input.toUserId}" is not a valid user id.`);
  if (input.toUserId === input.fromUserId) return refused('self_transfer', 'You cannot send coins to yourself.');
  if (!Number.isSafeInteger(input.coins) || input.coins < 1 || input.coins > MAX_TRANSFER_COINS) {
    return refused('invalid_amount', `The amount must be a whole number of coins between 1 and ${MAX_TRANSFER_COINS}.`);
  }
  if (input.note.length > MAX_NOTE_LENGTH) return refused('note_too_long', `The note must be at most ${MAX_NOTE_LENGTH} characters.`);
  return undefined;
}

function sameRequest(t: DemoTransfer, input: TransferInput): boolean {
  return t.fromUserId === input.fromUserId && t.toUserId === input.toUserId && t.coins === input.coins && t.note === input.note;
}

function replayOf(t: DemoTransfer, input: TransferInput): TransferOutcome {
  return sameRequest(t, input)
    ? { status: 'replayed', transfer: t }
    : refused('idempotency_key_reused', 'This idempotency key was already used for a different transfer.');
}

/**
 * Sends coins in ONE transaction: lock both accounts (in user id order), check, insert the transfer
 * (UNIQUE idempotency key), debit with a `coins >= amount` guard, credit. A concurrent request with the same
 * key waits on the locks, then finds the committed transfer and replays it: never a second credit.
 */
export async function transfer(db: Db, input: TransferInput): Promise<TransferOutcome> {
  const invalid = validateTransfer(input);
  if (invalid) return invalid;
  if (input.idempotencyKey) {
    const existing = await repo.findTransferByKey(db, input.idempotencyKey);
    if (existing) return replayOf(existing, input);
  }
  return db.tx(async (trx) => {
    const [first, second] = [input.fromUserId, input.toUserId].sort();
    await trx.query(`SELECT user_id FROM demo_platform_users WHERE user_id IN ($1, $2) ORDER BY user_id FOR UPDATE`, [first, second]);
    const to = await repo.findUser(trx, input.toUserId);
    if (!to) return refused('unknown_recipient', `No user with id "${input.toUserId}".`);
    const id = newId('dpt');
    const inserted = await repo.insertTransfer(trx, { id, ...input });
    if (!inserted) {
      const existing = await repo.findTransferByKey(trx, input.idempotencyKey!);
      if (!existing) throw new Error('idempotency conflict without a visible transfer');
      return replayOf(existing, input);
    }
    const balance = await repo.debit(trx, input.fromUserId, input.coins);
    if (balance === undefined) {
      // Nothing may stay written: undo the insert by aborting; the caller turns this into a refusal.
      throw new InsufficientBalance();
    }
    if (!(await repo.credit(trx, input.toUserId, input.coins))) throw new Error('recipient vanished');
    const created = await repo.findTransfer(trx, input.fromUserId, id);
    return { status: 'created' as const, transfer: created! };
  }).catch((err: unknown) => {
    if (err instanceof InsufficientBalance) return refused('insufficient_balance', 'Your balance is too low for this transfer.');
    throw err;
  });
}

class InsufficientBalance extends Error {}

export async function getTransfer(db: Sql, fromUserId: string, transferId: string): Promise<DemoTransfer | undefined> {
  return repo.findTransfer(db, fromUserId, transferId);
}

export async function listTransfers(db: Sql, fromUserId: string, filter: { noteContains?: string; noteEquals?: string; limit?: number }) {
  return repo.listTransfers(db, fromUserId, { ...filter, limit: Math.min(filter.limit ?? 50, 200) });
}

// --- accounts and sessions ---

export const hashPassword = (password: string) => hash(password);

async function passwordMatches(stored: string | undefined, password: string): Promise<boolean> {
  if (!stored) return false;
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** Returns a new session token (the cookie value) or undefined for wrong credentials. */
export async function login(db: Db, userId: string, password: string): Promise<string | undefined> {
  if (!isValidUserId(userId)) return undefined;
  const stored = await repo.findPasswordHash(db, userId);
  if (!(await passwordMatches(stored, password))) return undefined;
  const token = randomToken();
  await db.tx((trx) => repo.insertSession(trx, sha256Hex(token), userId, SESSION_TTL_SECONDS));
  return token;
}

export async function sessionUser(db: Sql, token: string | undefined): Promise<DemoUser | undefined> {
  return token ? repo.findSessionUser(db, sha256Hex(token)) : undefined;
}

export async function logout(db: Sql, token: string | undefined): Promise<void> {
  if (token) await repo.deleteSession(db, sha256Hex(token));
}

/** The hash to seed the seller with: the stored one while it still matches `password`, else a new one. */
export async function sellerPasswordHash(db: Sql, sellerUserId: string, password: string): Promise<string> {
  const stored = await repo.findPasswordHash(db, sellerUserId);
  return stored && (await passwordMatches(stored, password)) ? stored : hashPassword(password);
}
