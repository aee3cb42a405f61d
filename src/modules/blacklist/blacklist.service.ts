import { actorOf, type Principal } from '../staff/index.ts';
import type { ListsService } from '../risk/index.ts';

/**
 * The core's blacklist: the risk engine's block list, restricted to the four kinds the storefront knows
 * (platform user id, e-mail, IP, phone). Entries added here block orders and feed the risk rules' list hits.
 */
export const BLACKLIST_KINDS = ['platform_user', 'email', 'ip', 'phone'] as const;
export type BlacklistKind = (typeof BLACKLIST_KINDS)[number];

export interface Party { platformUserId?: string | null; email?: string | null; ip?: string | null; phone?: string | null }

export function createBlacklistService(lists: ListsService) {
  const scope = { list: 'block' as const, kinds: BLACKLIST_KINDS };
  return {
    list: () => lists.list(scope),
    add: (by: Principal, input: { kind: BlacklistKind; value: string; reason: string; expiresAt?: string }, ip?: string | null) =>
      lists.add(actorOf(by), { list: 'block', ...input }, ip),
    remove: (by: Principal, id: string, ip?: string | null) => lists.remove(actorOf(by), id, ip, scope),
    /** The first block-list hit for any of the party's identifiers, or null. Callers must not reveal which one. */
    match(party: Party) {
      const hits = lists.hits({ platform_user: party.platformUserId, email: party.email, ip: party.ip, phone: party.phone });
      return hits.find((h) => h.list === 'block') ?? null;
    },
  };
}
export type BlacklistService = ReturnType<typeof createBlacklistService>;
