/** Roles map to permissions here, in code; routes check permissions, never roles. */
export const PERMISSIONS = [
  'orders:read', 'orders:write', 'catalog:read', 'catalog:write', 'blacklist:read', 'blacklist:write',
  'automation:write', 'staff:manage', 'audit:read', 'jobs:read', 'jobs:write', 'alerts:read', 'outbox:read', 'agents:manage',
  'risk:read', 'risk:write', 'risk:review', 'risk:evaluate', 'cards:read', 'cards:write',
  'customers:read', 'customers:write', 'ledger:read', 'ledger:write', 'feedback:read', 'feedback:write', 'security:read', 'security:write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['admin', 'operator', 'analyst', 'support'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: PERMISSIONS,
  operator: ['orders:read', 'orders:write', 'catalog:read', 'catalog:write', 'blacklist:read', 'blacklist:write', 'automation:write', 'jobs:read', 'jobs:write', 'alerts:read', 'outbox:read', 'audit:read', 'risk:read', 'risk:review', 'cards:read', 'cards:write', 'customers:read', 'customers:write', 'ledger:read', 'feedback:read', 'feedback:write', 'security:read', 'security:write'],
  analyst: ['orders:read', 'catalog:read', 'blacklist:read', 'blacklist:write', 'jobs:read', 'alerts:read', 'audit:read', 'risk:read', 'risk:write', 'risk:review', 'risk:evaluate', 'cards:read', 'customers:read', 'ledger:read', 'security:read'],
  support: ['orders:read', 'catalog:read', 'blacklist:read', 'outbox:read', 'alerts:read', 'risk:read', 'cards:read', 'customers:read', 'customers:write', 'feedback:read', 'feedback:write', 'security:read'],
};

export function can(role: Role, perm: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(perm);
}
