export { createStaffService, audit, actorOf, type Principal, type StaffService } from './staff.service.ts';
export { makeGuards, principal, bearerToken, type Guards } from './staff.auth.ts';
export { staffRoutes } from './staff.routes.ts';
export { can, ROLE_PERMISSIONS, type Permission, type Role } from './staff.permissions.ts';
