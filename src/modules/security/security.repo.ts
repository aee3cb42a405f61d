import type { Sql } from '../../platform/db/db.ts';
import type { Severity } from '../../platform/alerts.ts';

/** All SQL of the security module (security_events, ip_blocks). Row types stay here. */

export interface SecurityEvent {
  id: string; kind: string; severity: Severity; source: string; ip: string | null; subnet: string | null;
  customerId: string | null; subject: string | null; count: number; evidence: Record<string, unknown>;
  alertId: string | null; blockId: string | null; firstSeenAt: Date; lastSeenAt: Date;
  acknowledgedAt: Date | null; acknowledgedBy: string | null; createdAt: Date; updatedAt: Date;
}

interface EventRow {
  id: string; kind: string; severity: Severity; source: string; ip: string | null; subnet: string | null;
  customer_id: string | null; subject: string | null; count: number; evidence: Record<string, unknown>;
  alert_id: string | null; block_id: string | null; first_seen_at: Date; last_seen_at: Date;
  acknowledged_at: Date | null; acknowledged_by: string | null; created_at: Date; updated_at: Date;
}

const toEvent = (r: EventRow): SecurityEvent => ({
  id: r.id, kind: r.kind, severity: r.severity, source: r.source, ip: r.ip, subnet: r.subnet, customerId: r.customer_id,
  subject: r.subject, count: r.count, evidence: r.evidence, alertId: r.alert_id, blockId: r.block_id,
  firstSeenAt: r.first_seen_at, lastSeenAt: r.last_seen_at, acknowledgedAt: r.acknowledged_at, acknowledgedBy: r.acknowledged_by,
  createdAt: r.created_at, updatedAt: r.updated_at,
});

export interface IpBlock {
  id: string; cidr: string; family: 4 | 6; scope: 'public' | 'all'; reason: string; createdBy: string; eventId: string | null;
  createdAt: Date; expiresAt: Date | null; removedAt: Date | null; removedBy: string | null;
}

interface BlockRow {
  id: string; cidr: string; family: number; scope: 'public' | 'all'; reason: string; created_by: string; event_id: string | null;
  created_at: Date; expires_at: Date | null; removed_at: Date | null; removed_by: string | null;
}

const toBlock = (r: BlockRow): IpBlock => ({
  id: r.id, cidr: r.cidr, family: r.family === 6 ? 6 : 4, scope: r.scope, reason: r.reason, createdBy: r.created_by, eventId: r.event_id,
  createdAt: r.created_at, expiresAt: r.expires_at, removedAt: r.removed_at, removedBy: r.removed_by,
});

// --- events ---

/** Serializes writers of one (kind, source) pattern across nodes for the rest of the transaction. */
export async function lockPattern(trx: Sql, kind: string, source: string): Promise<void> {
  await trx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`security:${kind}:${source}`]);
}

/** The latest event of this pattern seen since `since` (still going on): continued instead of duplicated. */
export async function findOngoing(trx: Sql, kind: string, source: string, since: Date): Promise<{ id: string } | null> {
  const rows = await trx.query<{ id: string }>(
    `SELECT id FROM security_events WHERE kind = $1 AND source = $2 AND last_seen_at >= $3 ORDER BY last_seen_at DESC LIMIT 1 FOR UPDATE`,
    [kind, source, since],
  );
  return rows[0] ?? null;
}

export async function insertEvent(trx: Sql, e: {
  id: string; kind: string; severity: Severity; source: string; ip: string | null; subnet: string | null; customerId: string | null;
  subject: string | null; count: number; evidence: Record<string, unknown>; firstSeenAt: Date; lastSeenAt: Date; now: Date;
}): Promise<void> {
  await trx.query(
    `INSERT INTO security_events (id, kind, severity, source, ip, subnet, customer_id, subject, count, evidence, first_seen_at, last_seen_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)`,
    [e.id, e.kind, e.severity, e.source, e.ip, e.subnet, e.customerId, e.subject, e.count, JSON.stringify(e.evidence), e.firstSeenAt, e.lastSeenAt, e.now],
  );
}

export async function linkEvent(trx: Sql, id: string, links: { alertId?: string | null; blockId?: string | null }): Promise<void> {
  await trx.query(`UPDATE security_events SET alert_id = COALESCE($2, alert_id), block_id = COALESCE($3, block_id) WHERE id = $1`, [id, links.alertId ?? null, links.blockId ?? null]);
}

/** Adds `delta` signals to an ongoing event and replaces its evidence (counts in it are this node's view). */
export async function continueEvent(trx: Sql, id: string, u: { delta: number; evidence: Record<string, unknown>; firstSeenAt: Date; lastSeenAt: Date; now: Date }): Promise<number | null> {
  const rows = await trx.query<{ count: number }>(
    `UPDATE security_events
        SET count = count + $2, evidence = $3, first_seen_at = LEAST(first_seen_at, $4), last_seen_at = GREATEST(last_seen_at, $5), updated_at = $6
      WHERE id = $1 RETURNING count`,
    [id, u.delta, JSON.stringify(u.evidence), u.firstSeenAt, u.lastSeenAt, u.now],
  );
  return rows[0]?.count ?? null;
}

export async function getEvent(sql: Sql, id: string): Promise<SecurityEvent | null> {
  const rows = await sql.query<EventRow>(`SELECT * FROM security_events WHERE id = $1`, [id]);
  return rows[0] ? toEvent(rows[0]) : null;
}

export async function listEvents(sql: Sql, f: { kind?: string; since?: Date; ip?: string; subnet?: string; before?: string; limit: number }): Promise<SecurityEvent[]> {
  const rows = await sql.query<EventRow>(
    `SELECT * FROM security_events
      WHERE ($1::text IS NULL OR kind = $1)
        AND ($2::timestamptz IS NULL OR last_seen_at >= $2)
        AND ($3::text IS NULL OR ip = $3 OR (ip IS NULL AND subnet = $4))
        AND ($5::text IS NULL OR id < $5)
      ORDER BY id DESC LIMIT $6`,
    [f.kind ?? null, f.since ?? null, f.ip ?? null, f.subnet ?? null, f.before ?? null, f.limit],
  );
  return rows.map(toEvent);
}

export async function acknowledgeEvent(trx: Sql, id: string, by: string, now: Date): Promise<SecurityEvent | null> {
  const rows = await trx.query<EventRow>(
    `UPDATE security_events SET acknowledged_at = COALESCE(acknowledged_at, $3), acknowledged_by = COALESCE(acknowledged_by, $2), updated_at = $3
      WHERE id = $1 RETURNING *`,
    [id, by, now],
  );
  return rows[0] ? toEvent(rows[0]) : null;
}

// --- IP blocks ---

/** Blocks not removed and not expired at `now` (what the HTTP hook enforces). */
export async function activeBlocks(sql: Sql, now: Date): Promise<IpBlock[]> {
  const rows = await sql.query<BlockRow>(
    `SELECT * FROM ip_blocks WHERE removed_at IS NULL AND (expires_at IS NULL OR expires_at > $1) ORDER BY id`,
    [now],
  );
  return rows.map(toBlock);
}

export async function listBlocks(sql: Sql, f: { active: boolean; now: Date; limit: number }): Promise<IpBlock[]> {
  const rows = await sql.query<BlockRow>(
    `SELECT * FROM ip_blocks
      WHERE ($1::boolean IS NOT TRUE OR (removed_at IS NULL AND (expires_at IS NULL OR expires_at > $2)))
      ORDER BY id DESC LIMIT $3`,
    [f.active, f.now, f.limit],
  );
  return rows.map(toBlock);
}

export async function findActiveBlock(trx: Sql, cidr: string, scope: string, now: Date): Promise<IpBlock | null> {
  const rows = await trx.query<BlockRow>(
    `SELECT * FROM ip_blocks WHERE cidr = $1 AND scope = $2 AND removed_at IS NULL AND (expires_at IS NULL OR expires_at > $3) LIMIT 1`,
    [cidr, scope, now],
  );
  return rows[0] ? toBlock(rows[0]) : null;
}

export async function insertBlock(trx: Sql, b: Omit<IpBlock, 'removedAt' | 'removedBy'>): Promise<IpBlock> {
  const rows = await trx.query<BlockRow>(
    `INSERT INTO ip_blocks (id, cidr, family, scope, reason, created_by, event_id, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [b.id, b.cidr, b.family, b.scope, b.reason, b.createdBy, b.eventId, b.createdAt, b.expiresAt],
  );
  return toBlock(rows[0]);
}

export async function getBlock(sql: Sql, id: string): Promise<IpBlock | null> {
  const rows = await sql.query<BlockRow>(`SELECT * FROM ip_blocks WHERE id = $1`, [id]);
  return rows[0] ? toBlock(rows[0]) : null;
}

/** Ends a block; null when there is no such block or it was already removed. */
export async function removeBlock(trx: Sql, id: string, by: string, now: Date): Promise<IpBlock | null> {
  const rows = await trx.query<BlockRow>(
    `UPDATE ip_blocks SET removed_at = $3, removed_by = $2 WHERE id = $1 AND removed_at IS NULL RETURNING *`,
    [id, by, now],
  );
  return rows[0] ? toBlock(rows[0]) : null;
}
