export { createListsService, normalizeListValue, type ListsService, type Party } from './lists.service.ts';
export type { ListEntry } from './risk.repo.ts';
export * from './risk.schema.ts';
export { createRulesService, assertCompiles, type RulesService } from './rules.service.ts';
export { createRiskService, maskCard, SLACK_JOB, type RiskService, type RiskDecision, type PreparedRiskDecision, type RiskSettings } from './risk.service.ts';
export { riskRoutes } from './risk.routes.ts';
export type { RiskEvent } from './risk.features.ts';
export { isPrivateIp } from './features/ip-intel.ts';
