/** What the orders module needs from the platform and from other modules (wired in app.ts). */
import type { Db } from '../../platform/db/db.ts';
import type { Logger } from '../../platform/logger.ts';
import type { FieldCipher } from '../../platform/crypto.ts';
import type { DomainEvents } from '../../platform/events.ts';
import type { CatalogService } from '../catalog/index.ts';
import type { PaymentsService } from '../payments/index.ts';
import type { FulfilmentService } from '../fulfilment/index.ts';
import type { BlacklistService } from '../blacklist/index.ts';
import type { AutomationService } from '../automation/index.ts';
import type { PlatformDirectory } from '../platforms/directory.ts';
import type { RiskService, ListsService } from '../risk/index.ts';

export interface OrdersDeps {
  db: Db; log: Logger; events: DomainEvents; cipher: FieldCipher; catalog: CatalogService; payments: PaymentsService; fulfilment: FulfilmentService;
  blacklist: BlacklistService; automation: AutomationService; directories: Map<string, PlatformDirectory>;
  /** The risk engine decides whether an authorized payment is captured (null: capture every matching authorization). */
  risk: RiskService | null; lists: ListsService; wake: () => void;
  settings: { orderTtlSeconds: number; publicUrl: string; defaultCurrency: string; defaultGateway: string; captureMethod: 'automatic' | 'manual'; emailTransport: 'smtp' | 'outbox'; authHoldHours: number };
}
