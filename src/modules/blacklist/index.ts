export { createBlacklistService, BLACKLIST_KINDS, type BlacklistService, type BlacklistKind, type Party } from './blacklist.service.ts';
export { blacklistRoutes } from './blacklist.routes.ts';
