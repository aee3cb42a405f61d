export { createAutomationService, RESUME_JOB, type AutomationService, type AutomationState } from './automation.service.ts';
export { automationRoutes } from './automation.routes.ts';
