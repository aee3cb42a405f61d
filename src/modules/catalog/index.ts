export { createCatalogService, type CatalogService, type NewProduct } from './catalog.service.ts';
export { catalogRoutes } from './catalog.routes.ts';
export type { Product, ProductType, FulfilmentDriver } from './catalog.repo.ts';
