import type { Sql } from '../../platform/db/db.ts';

export type FulfilmentStatus = 'pending' | 'in_progress' | 'delivered' | 'failed';
export interface Fulfilment {
  id: string; orderId: string; orderLineId: string; driver: string; status: FulfilmentStatus; jobId: string | null; reference: string;
  proof: Record<string, unknown> | null; deliveredPayloadEnc: string | null; error: string | null; createdAt: Date; updatedAt: Date;
}
interface Row {
  id: string; order_id: string; order_line_id: string; driver: string; status: FulfilmentStatus; job_id: string | null; reference: string;
  proof: Record<string, unknown> | null; delivered_payload_enc: string | null; error: string | null; created_at: Date; updated_at: Date;
}
const toF = (r: Row): Fulfilment => ({
  id: r.id, orderId: r.order_id, orderLineId: r.order_line_id, driver: r.driver, status: r.status, jobId: r.job_id, reference: r.reference,
  proof: r.proof, deliveredPayloadEnc: r.delivered_payload_enc, error: r.error, createdAt: r.created_at, updatedAt: r.updated_at,
});

export async function insert(sql: Sql, f: { id: string; orderId: string; orderLineId: string; driver: string; reference: string }): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO fulfilments (id, order_id, order_line_id, driver, status, reference) VALUES ($1, $2, $3, $4, 'pending', $5)
     ON CONFLICT (order_line_id) DO NOTHING RETURNING id`,
    [f.id, f.orderId, f.orderLineId, f.driver, f.reference],
  );
  return rows.length === 1;
}

export async function get(sql: Sql, id: string, forUpdate = false): Promise<Fulfilment | null> {
  const rows = await sql.query<Row>(`SELECT * FROM fulfilments WHERE id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toF(rows[0]) : null;
}

export async function listForOrder(sql: Sql, orderId: string): Promise<Fulfilment[]> {
  return (await sql.query<Row>(`SELECT * FROM fulfilments WHERE order_id = $1 ORDER BY id`, [orderId])).map(toF);
}

export async function setJob(sql: Sql, id: string, jobId: string | null): Promise<void> {
  await sql.query(`UPDATE fulfilments SET job_id = $2, updated_at = now() WHERE id = $1`, [id, jobId]);
}

export async function setStatus(sql: Sql, id: string, status: FulfilmentStatus, fields: { proof?: unknown; payloadEnc?: string | null; error?: string | null } = {}): Promise<void> {
  await sql.query(
    `UPDATE fulfilments SET status = $2, proof = COALESCE($3, proof), delivered_payload_enc = COALESCE($4, delivered_payload_enc),
            error = $5, updated_at = now() WHERE id = $1`,
    [id, status, fields.proof === undefined ? null : JSON.stringify(fields.proof), fields.payloadEnc ?? null, fields.error ?? null],
  );
}
