export { createBlacklistService, normalize, type BlacklistService, type Party } from './blacklist.service.ts';
export { blacklistRoutes } from './blacklist.routes.ts';
export type { BlacklistEntry, BlacklistKind } from './blacklist.repo.ts';
