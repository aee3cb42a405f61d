export { createCardsService, type CardsService, type CardsDeps } from './cards.service.ts';
export { cardsRoutes } from './cards.routes.ts';
export { processorRoutes, type ProcessorRoutesOptions } from './processor.routes.ts';
export { CARD_TRANSITIONS, AUTHORIZATION_TRANSITIONS } from './cards.states.ts';
export { looksLikePan } from './cards.controls.ts';
export type { AuthorizationAnswer, AuthorizationInput, Controls, CardStatus } from './cards.schema.ts';
