export { createSecurityMonitor, DEFAULT_DETECTORS, SECURITY_EVENT_KINDS, type SecurityMonitor, type SecurityMonitorOptions, type DetectorSpec, type SecurityEventKind } from './security.service.ts';
export { securityRoutes } from './security.routes.ts';
export { securityHook, installSecurityHook, routeClass, BLOCKED_MESSAGE, type HookRouteClass } from './security.hook.ts';
export { createIpBlocks, type IpBlocks, type CreateBlockInput } from './security.blocks.ts';
export { parseCidr, normalizeIp, subnetOf } from './security.cidr.ts';
export type { SecurityEvent, IpBlock } from './security.repo.ts';
