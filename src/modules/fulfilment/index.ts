export { createFulfilmentService, DELIVER_JOB, queueFor, type FulfilmentService, type DeliverPayload, type Delivered } from './fulfilment.service.ts';
export { agentRoutes } from './fulfilment.routes.ts';
export type { Fulfilment, FulfilmentStatus } from './fulfilment.repo.ts';
