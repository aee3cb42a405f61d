import type { Db } from '../../platform/db/db.ts';
import type { Logger } from '../../platform/logger.ts';
import { LEDGER_CHANNEL, type LedgerNotification, type LedgerService, type Transfer } from '../ledger/index.ts';

type LiveLedger = Pick<LedgerService, 'listTransfers' | 'getTransfer'>;
const PAGE = 50;

export interface LiveSubscriber {
  /** The accounts this stream follows. */
  accounts: ReadonlySet<string>;
  /** New transfers touching at least one of `accounts` (read from the database after the commit). */
  push(transfers: Transfer[], touchedAccounts: string[]): void;
  /** The hub is shutting down: end the stream. */
  end(): void;
}

/**
 * Live updates for the personal area: ONE `LISTEN ledger_posted` per process (every node has its own), fanned
 * out in memory by account id. A notification is a hint: for each followed account it touches, the account's
 * newest transfers are read once (one indexed query) and those the notification names go to the subscribers. Notifications for accounts nobody here follows
 * cost one JSON.parse and a few map lookups. Notifications lost while the listener reconnects are not replayed
 * by the hub; a client that reconnects sends Last-Event-ID and re-reads what it missed from the history.
 */
export class LiveHub {
  private readonly byAccount = new Map<string, Set<LiveSubscriber>>();
  private unlisten: (() => Promise<void>) | null = null;
  private starting: Promise<void> | null = null;
  private closed = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly db: Db, private readonly log: Logger, private readonly ledger: LiveLedger) {}

  get subscribers(): number {
    const all = new Set<LiveSubscriber>();
    for (const s of this.byAccount.values()) for (const x of s) all.add(x);
    return all.size;
  }

  /** Starts listening (idempotent; the first stream does it). */
  async start(): Promise<void> {
    if (this.closed || this.unlisten) return;
    this.starting ??= this.db.listen(LEDGER_CHANNEL, (payload) => this.onNotify(payload))
      .then((stop) => { this.unlisten = stop; })
      .finally(() => { this.starting = null; });
    await this.starting;
  }

  async subscribe(sub: LiveSubscriber): Promise<() => void> {
    if (this.closed) throw new Error('live updates are shut down');
    await this.start();
    for (const a of sub.accounts) {
      let set = this.byAccount.get(a);
      if (!set) this.byAccount.set(a, (set = new Set()));
      set.add(sub);
    }
    return () => {
      for (const a of sub.accounts) {
        const set = this.byAccount.get(a);
        set?.delete(sub);
        if (set && set.size === 0) this.byAccount.delete(a);
      }
    };
  }

  private onNotify(payload: string): void {
    if (this.byAccount.size === 0) return;
    let n: LedgerNotification;
    try {
      n = JSON.parse(payload) as LedgerNotification;
    } catch {
      return;
    }
    if (!Array.isArray(n?.accounts) || !Array.isArray(n.transfers)) return;
    const targets = new Map<LiveSubscriber, string[]>();
    for (const a of n.accounts) {
      for (const s of this.byAccount.get(a) ?? []) targets.set(s, [...(targets.get(s) ?? []), a]);
    }
    if (targets.size === 0) return;
    const ids = new Set(n.transfers.filter((id) => typeof id === 'string'));
    // in order of arrival: one notification's reads finish before the next one's pushes
    this.chain = this.chain.then(async () => {
      const byAccount = new Map<string, Transfer[]>();
      for (const a of new Set([...targets.values()].flat())) byAccount.set(a, await this.transfersOf(a, ids));
      for (const [s, touched] of targets) {
        const mine = [...new Map(touched.flatMap((a) => byAccount.get(a) ?? []).map((t) => [t.id, t])).values()]
          .sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime() || (x.id < y.id ? -1 : 1));
        if (mine.length) {
          try { s.push(mine, touched); } catch (err) { this.log.warn({ err }, 'live push failed'); }
        }
      }
    }).catch((err) => this.log.warn({ err }, 'live update could not be read'));
  }

  /**
   * The notified transfers on one account: they just committed, so they are among the account's newest (one
   * indexed read); only when a single commit wrote more than a page of them to this account are the rest read by id.
   */
  private async transfersOf(accountId: string, ids: ReadonlySet<string>): Promise<Transfer[]> {
    const page = await this.ledger.listTransfers(accountId, { limit: PAGE });
    const found: Transfer[] = page.data.filter((t) => ids.has(t.id));
    if (page.data.length < PAGE || found.length < page.data.length) return found;
    const have = new Set(found.map((t) => t.id));
    for (const id of [...ids].slice(0, 2000)) {
      if (have.has(id)) continue;
      const t = await this.ledger.getTransfer(id).catch(() => null);
      if (t && (t.debitAccountId === accountId || t.creditAccountId === accountId)) found.push(t);
    }
    return found;
  }

  /** Ends every stream and stops listening (server shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    const all = new Set<LiveSubscriber>();
    for (const s of this.byAccount.values()) for (const x of s) all.add(x);
    this.byAccount.clear();
    for (const s of all) {
      try { s.end(); } catch { /* already gone */ }
    }
    if (this.starting) await this.starting.catch(() => undefined);
    await this.unlisten?.().catch(() => undefined);
    this.unlisten = null;
  }
}
