export { createListsService, normalizeListValue, type ListsService, type Party } from './lists.service.ts';
export type { ListEntry } from './risk.repo.ts';
export * from './risk.schema.ts';
