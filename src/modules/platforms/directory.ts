/**
 * PlatformDirectory port: verifies that a platform user id exists before an order may be created.
 * PlatformTransfers port: sends coins to a platform user (used by fulfilment drivers that have an API).
 * Adapters here talk to the outside platform over HTTP; never call them inside a DB transaction.
 */
export interface PlatformUser {
  userId: string;
  displayName: string;
}

export type LookupResult =
  | { status: 'found'; user: PlatformUser }
  | { status: 'not_found' }
  | { status: 'malformed'; message: string };

export interface PlatformDirectory {
  /** Platform key as used by products (e.g. 'demo'). */
  readonly platform: string;
  /** Throws PlatformUnavailable when the platform cannot be reached. */
  lookup(userId: string): Promise<LookupResult>;
}

export interface TransferResult {
  transferId: string;
  /** true when the platform already had a transfer with this idempotency key / reference. */
  replayed: boolean;
}

export interface PlatformTransfers {
  readonly platform: string;
  /** Sends coins with an idempotency key: the same key never sends twice. */
  sendCoins(input: { toUserId: string; coins: number; reference: string }): Promise<TransferResult>;
}

export class PlatformUnavailable extends Error {}
export class PlatformRefused extends Error {}
