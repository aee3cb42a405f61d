import type { Sql } from './db/db.ts';
import { newId } from './ids.ts';

export type Severity = 'info' | 'warning' | 'critical';

export interface Alert {
  id: string; severity: Severity; kind: string; message: string; subjectId: string | null;
  details: Record<string, unknown>; createdAt: Date; acknowledgedAt: Date | null; acknowledgedBy: string | null;
}

/** Raises an alert shown in the console (and, later, forwarded to Slack by the notify port). */
export async function raiseAlert(sql: Sql, a: { severity: Severity; kind: string; message: string; subjectId?: string; details?: Record<string, unknown> }): Promise<string> {
  const id = newId('alr');
  await sql.query(
    `INSERT INTO alerts (id, severity, kind, message, subject_id, details) VALUES ($1, $2, $3, $4, $5, $6)`,
    [id, a.severity, a.kind, a.message, a.subjectId ?? null, JSON.stringify(a.details ?? {})],
  );
  return id;
}

export async function listAlerts(sql: Sql, opts: { open?: boolean; limit?: number }): Promise<Alert[]> {
  const rows = await sql.query<Record<string, any>>(
    `SELECT * FROM alerts WHERE ($1::boolean IS NOT TRUE OR acknowledged_at IS NULL) ORDER BY created_at DESC LIMIT $2`,
    [opts.open ?? null, opts.limit ?? 100],
  );
  return rows.map((r) => ({
    id: r.id, severity: r.severity, kind: r.kind, message: r.message, subjectId: r.subject_id, details: r.details,
    createdAt: r.created_at, acknowledgedAt: r.acknowledged_at, acknowledgedBy: r.acknowledged_by,
  }));
}

export async function acknowledgeAlert(sql: Sql, id: string, by: string): Promise<boolean> {
  const rows = await sql.query(`UPDATE alerts SET acknowledged_at = now(), acknowledged_by = $2 WHERE id = $1 AND acknowledged_at IS NULL RETURNING id`, [id, by]);
  return rows.length === 1;
}
