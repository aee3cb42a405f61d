import type { Sql } from '../../platform/db/db.ts';
import type { EventKind, RuleAction, SideAction, ListKind, Decision } from './risk.schema.ts';

// ---------- rules ----------
export interface RuleRow {
  id: string; name: string; description: string; version: number; expression: string; events: EventKind[]; action: RuleAction; score: number;
  sideActions: SideAction[]; mode: 'active' | 'shadow'; enabled: boolean; builtin: string | null; createdAt: Date; updatedAt: Date;
}
interface RawRule {
  id: string; name: string; description: string; version: number; expression: string; events: EventKind[]; action: RuleAction; score: number;
  side_actions: SideAction[]; mode: 'active' | 'shadow'; enabled: boolean; builtin: string | null; created_at: Date; updated_at: Date;
}
const toRule = (r: RawRule): RuleRow => ({
  id: r.id, name: r.name, description: r.description, version: r.version, expression: r.expression, events: r.events, action: r.action, score: r.score,
  sideActions: r.side_actions, mode: r.mode, enabled: r.enabled, builtin: r.builtin, createdAt: r.created_at, updatedAt: r.updated_at,
});

export type RuleFields = Pick<RuleRow, 'name' | 'description' | 'expression' | 'events' | 'action' | 'score' | 'sideActions' | 'mode' | 'enabled'>;

export async function listRules(sql: Sql): Promise<RuleRow[]> {
  return (await sql.query<RawRule>(`SELECT * FROM risk_rules WHERE deleted_at IS NULL ORDER BY created_at, id`)).map(toRule);
}

export async function getRule(sql: Sql, id: string, forUpdate = false): Promise<RuleRow | null> {
  const rows = await sql.query<RawRule>(`SELECT * FROM risk_rules WHERE id = $1 AND deleted_at IS NULL ${forUpdate ? 'FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toRule(rows[0]) : null;
}

export async function nameTaken(sql: Sql, name: string, exceptId?: string): Promise<boolean> {
  const rows = await sql.query(`SELECT 1 FROM risk_rules WHERE lower(name) = lower($1) AND deleted_at IS NULL AND ($2::text IS NULL OR id <> $2)`, [name, exceptId ?? null]);
  return rows.length > 0;
}

export async function insertRule(sql: Sql, id: string, f: RuleFields, builtin: string | null): Promise<void> {
  await sql.query(
    `INSERT INTO risk_rules (id, name, description, version, expression, events, action, score, side_actions, mode, enabled, builtin)
     VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [id, f.name, f.description, f.expression, f.events, f.action, f.score, f.sideActions, f.mode, f.enabled, builtin],
  );
}

export async function updateRule(sql: Sql, id: string, version: number, f: RuleFields): Promise<void> {
  await sql.query(
    `UPDATE risk_rules SET name = $3, description = $4, version = $2, expression = $5, events = $6, action = $7, score = $8, side_actions = $9,
            mode = $10, enabled = $11, updated_at = now() WHERE id = $1`,
    [id, version, f.name, f.description, f.expression, f.events, f.action, f.score, f.sideActions, f.mode, f.enabled],
  );
}

export async function deleteRule(sql: Sql, id: string, version: number): Promise<void> {
  await sql.query(`UPDATE risk_rules SET deleted_at = now(), version = $2, updated_at = now() WHERE id = $1`, [id, version]);
}

export async function insertRuleVersion(sql: Sql, ruleId: string, version: number, f: RuleFields, by: string, deleted = false): Promise<void> {
  await sql.query(
    `INSERT INTO risk_rule_versions (rule_id, version, name, expression, events, action, score, side_actions, mode, enabled, deleted, changed_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [ruleId, version, f.name, f.expression, f.events, f.action, f.score, f.sideActions, f.mode, f.enabled, deleted, by],
  );
}

export interface RuleVersionRow {
  version: number; name: string; expression: string; events: string[]; action: string; score: number; sideActions: string[]; mode: string; enabled: boolean; deleted: boolean;
  changedBy: string; changedAt: Date;
}
export async function ruleVersions(sql: Sql, ruleId: string): Promise<RuleVersionRow[]> {
  const rows = await sql.query<{ version: number; name: string; expression: string; events: string[]; action: string; score: number; side_actions: string[]; mode: string; enabled: boolean; deleted: boolean; changed_by: string; changed_at: Date }>(
    `SELECT version, name, expression, events, action, score, side_actions, mode, enabled, deleted, changed_by, changed_at FROM risk_rule_versions WHERE rule_id = $1 ORDER BY version DESC`, [ruleId]);
  return rows.map((r) => ({
    version: r.version, name: r.name, expression: r.expression, events: r.events, action: r.action, score: r.score, sideActions: r.side_actions, mode: r.mode,
    enabled: r.enabled, deleted: r.deleted, changedBy: r.changed_by, changedAt: r.changed_at,
  }));
}

/** Snapshots the current rules as a new ruleset version (called in every rule-changing transaction). */
export async function snapshotRuleset(sql: Sql): Promise<number> {
  await sql.query(`SELECT pg_advisory_xact_lock(hashtextextended('risk.ruleset', 7))`);
  const [{ v }] = await sql.query<{ v: number }>(`SELECT COALESCE(max(version), 0) + 1 AS v FROM risk_rulesets`);
  const rules = await listRules(sql);
  await sql.query(`INSERT INTO risk_rulesets (version, rules) VALUES ($1, $2)`, [v, JSON.stringify(rules)]);
  return v;
}

export async function currentRuleset(sql: Sql): Promise<{ version: number; rules: RuleRow[] } | null> {
  const rows = await sql.query<{ version: number; rules: RuleRow[] }>(`SELECT version, rules FROM risk_rulesets ORDER BY version DESC LIMIT 1`);
  return rows[0] ?? null;
}

export async function rulesetVersion(sql: Sql): Promise<number> {
  const rows = await sql.query<{ v: number | null }>(`SELECT max(version) AS v FROM risk_rulesets`);
  return rows[0]?.v ?? 0;
}

// ---------- lists ----------
export interface ListEntry { id: string; list: 'allow' | 'block'; kind: ListKind; value: string; reason: string; expiresAt: Date | null; source: string; createdBy: string; createdAt: Date }
interface RawEntry { id: string; list: 'allow' | 'block'; kind: ListKind; value: string; reason: string; expires_at: Date | null; source: string; created_by: string; created_at: Date }
const toEntry = (r: RawEntry): ListEntry => ({ id: r.id, list: r.list, kind: r.kind, value: r.value, reason: r.reason, expiresAt: r.expires_at, source: r.source, createdBy: r.created_by, createdAt: r.created_at });

export async function activeEntries(sql: Sql, filter: { list?: 'allow' | 'block'; kinds?: readonly string[] } = {}): Promise<ListEntry[]> {
  const rows = await sql.query<RawEntry>(
    `SELECT * FROM risk_list_entries WHERE removed_at IS NULL AND (expires_at IS NULL OR expires_at > now())
       AND ($1::text IS NULL OR list = $1) AND ($2::text[] IS NULL OR kind = ANY($2::text[])) ORDER BY created_at DESC, id DESC`,
    [filter.list ?? null, filter.kinds ? [...filter.kinds] : null],
  );
  return rows.map(toEntry);
}

export async function findActiveEntry(sql: Sql, list: string, kind: string, value: string): Promise<ListEntry | null> {
  const rows = await sql.query<RawEntry>(
    `SELECT * FROM risk_list_entries WHERE list = $1 AND kind = $2 AND value = $3 AND removed_at IS NULL AND (expires_at IS NULL OR expires_at > now()) LIMIT 1`, [list, kind, value]);
  return rows[0] ? toEntry(rows[0]) : null;
}

export async function insertEntry(sql: Sql, e: Omit<ListEntry, 'createdAt'>): Promise<void> {
  await sql.query(
    `INSERT INTO risk_list_entries (id, list, kind, value, reason, expires_at, source, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [e.id, e.list, e.kind, e.value, e.reason, e.expiresAt, e.source, e.createdBy],
  );
}

export async function removeEntry(sql: Sql, id: string, by: string, list?: 'allow' | 'block', kinds?: readonly string[]): Promise<ListEntry | null> {
  const rows = await sql.query<RawEntry>(
    `UPDATE risk_list_entries SET removed_at = now(), removed_by = $2 WHERE id = $1 AND removed_at IS NULL
       AND ($3::text IS NULL OR list = $3) AND ($4::text[] IS NULL OR kind = ANY($4::text[])) RETURNING *`,
    [id, by, list ?? null, kinds ? [...kinds] : null]);
  return rows[0] ? toEntry(rows[0]) : null;
}

// ---------- snoozes ----------
export interface Snooze { id: string; ruleId: string; kind: string; value: string; until: Date; reason: string; createdBy: string; createdAt: Date }
export async function activeSnoozes(sql: Sql): Promise<Snooze[]> {
  const rows = await sql.query<{ id: string; rule_id: string; kind: string; value: string; until: Date; reason: string; created_by: string; created_at: Date }>(
    `SELECT * FROM risk_snoozes WHERE removed_at IS NULL AND until > now() ORDER BY created_at DESC`);
  return rows.map((r) => ({ id: r.id, ruleId: r.rule_id, kind: r.kind, value: r.value, until: r.until, reason: r.reason, createdBy: r.created_by, createdAt: r.created_at }));
}
export async function insertSnooze(sql: Sql, s: Omit<Snooze, 'createdAt'>): Promise<void> {
  await sql.query(`INSERT INTO risk_snoozes (id, rule_id, kind, value, until, reason, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [s.id, s.ruleId, s.kind, s.value, s.until, s.reason, s.createdBy]);
}
export async function removeSnooze(sql: Sql, id: string): Promise<boolean> {
  return (await sql.query(`UPDATE risk_snoozes SET removed_at = now() WHERE id = $1 AND removed_at IS NULL RETURNING id`, [id])).length === 1;
}

// ---------- decisions ----------
export interface DecisionRow {
  id: string; kind: EventKind; subjectId: string | null; decision: Decision; score: number; reasons: unknown[]; actions: unknown[]; shadow: unknown;
  features: Record<string, unknown>; rulesetVersion: number; label: 'fraud' | 'legit' | null; labelReason: string | null; labelledBy: string | null; labelledAt: Date | null; createdAt: Date;
}
interface RawDecision {
  id: string; kind: EventKind; subject_id: string | null; decision: Decision; score: number; reasons: unknown[]; actions: unknown[]; shadow: unknown;
  features: Record<string, unknown>; ruleset_version: number; label: 'fraud' | 'legit' | null; label_reason: string | null; labelled_by: string | null; labelled_at: Date | null; created_at: Date;
}
const toDecision = (r: RawDecision): DecisionRow => ({
  id: r.id, kind: r.kind, subjectId: r.subject_id, decision: r.decision, score: r.score, reasons: r.reasons, actions: r.actions, shadow: r.shadow,
  features: r.features, rulesetVersion: r.ruleset_version, label: r.label, labelReason: r.label_reason, labelledBy: r.labelled_by, labelledAt: r.labelled_at, createdAt: r.created_at,
});

export async function insertDecision(sql: Sql, d: { id: string; kind: string; subjectId: string | null; decision: Decision; score: number; reasons: unknown; actions: unknown; shadow: unknown; features: unknown; rulesetVersion: number }): Promise<void> {
  await sql.query(
    `INSERT INTO risk_decisions (id, kind, subject_id, decision, score, reasons, actions, shadow, features, ruleset_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [d.id, d.kind, d.subjectId, d.decision, d.score, JSON.stringify(d.reasons), JSON.stringify(d.actions), JSON.stringify(d.shadow), JSON.stringify(d.features), d.rulesetVersion],
  );
}

export type NewDecision = { id: string; kind: string; subjectId: string | null; decision: Decision; score: number; reasons: unknown; actions: unknown; shadow: unknown; features: unknown; rulesetVersion: number };

/**
 * The multi-row INSERT of decisions from a JSON array parameter (`param`, e.g. `$1`), optionally filtered by
 * `where` (on `x`, the row). Also embedded, as a data-modifying CTE, in the statement that records card
 * authorizations: their risk decisions and their rows are then ONE statement (one round trip, one commit).
 */
export function insertDecisionsSql(param: string, where = ''): string {
  return `INSERT INTO risk_decisions (id, kind, subject_id, decision, score, reasons, actions, shadow, features, ruleset_version)
     SELECT x.id, x.kind, x.subject_id, x.decision, x.score, x.reasons, x.actions, x.shadow, x.features, x.ruleset_version
       FROM jsonb_to_recordset(${param}::jsonb) AS x(id text, kind text, subject_id text, decision text, score int, reasons jsonb, actions jsonb, shadow jsonb, features jsonb, ruleset_version int)
      ${where}`;
}

/** The JSON parameter of insertDecisionsSql: one JSON.stringify in the process, one parse in PostgreSQL. */
export function decisionsJson(ds: readonly NewDecision[]): string {
  return JSON.stringify(ds.map((d) => ({
    id: d.id, kind: d.kind, subject_id: d.subjectId, decision: d.decision, score: d.score, reasons: d.reasons ?? [], actions: d.actions ?? [], shadow: d.shadow ?? [],
    features: d.features ?? {}, ruleset_version: d.rulesetVersion,
  })));
}

/** Many decisions in ONE statement. */
export async function insertDecisions(sql: Sql, ds: readonly NewDecision[]): Promise<void> {
  if (ds.length === 0) return;
  await sql.query(insertDecisionsSql('$1'), [decisionsJson(ds)]);
}

export async function getDecision(sql: Sql, id: string): Promise<DecisionRow | null> {
  const rows = await sql.query<RawDecision>(`SELECT * FROM risk_decisions WHERE id = $1`, [id]);
  return rows[0] ? toDecision(rows[0]) : null;
}

export async function latestDecisionFor(sql: Sql, subjectId: string): Promise<DecisionRow | null> {
  const rows = await sql.query<RawDecision>(`SELECT * FROM risk_decisions WHERE subject_id = $1 ORDER BY id DESC LIMIT 1`, [subjectId]);
  return rows[0] ? toDecision(rows[0]) : null;
}

/** `label`: fraud | legit, or 'unlabelled' for decisions nobody has labelled yet. */
export interface DecisionFilter { from?: string; to?: string; decision?: Decision; kind?: string; rule?: string; label?: string; subjectId?: string; before?: string; limit: number }

export async function listDecisions(sql: Sql, f: DecisionFilter): Promise<DecisionRow[]> {
  const rows = await sql.query<RawDecision>(
    `SELECT * FROM risk_decisions
      WHERE ($1::timestamptz IS NULL OR created_at >= $1) AND ($2::timestamptz IS NULL OR created_at < $2)
        AND ($3::text IS NULL OR decision = $3) AND ($4::text IS NULL OR kind = $4)
        AND ($5::text IS NULL OR reasons @> jsonb_build_array(jsonb_build_object('rule', $5::text)))
        AND ($6::text IS NULL OR (CASE WHEN $6::text = 'unlabelled' THEN label IS NULL ELSE label = $6 END)) AND ($7::text IS NULL OR id < $7)
        AND ($9::text IS NULL OR subject_id = $9)
      ORDER BY id DESC LIMIT $8`,
    [f.from ?? null, f.to ?? null, f.decision ?? null, f.kind ?? null, f.rule ?? null, f.label ?? null, f.before ?? null, f.limit, f.subjectId ?? null],
  );
  return rows.map(toDecision);
}

/**
 * Rules firing in a period: active hits by effect (block, review, "score +N", snoozed, …) and, counted apart,
 * shadow-mode hits by the action the rule would have taken (mode 'shadow'; they never acted).
 */
export async function topRules(sql: Sql, from: string | null, to: string | null): Promise<Array<{ rule: string; effect: string; n: number; mode: 'active' | 'shadow' }>> {
  const active = await sql.query<{ rule: string; effect: string; n: number }>(
    `SELECT r->>'rule' AS rule, r->>'effect' AS effect, count(*)::int AS n
       FROM risk_decisions d, jsonb_array_elements(d.reasons) r
      WHERE ($1::timestamptz IS NULL OR d.created_at >= $1) AND ($2::timestamptz IS NULL OR d.created_at < $2) AND r->>'effect' <> 'skipped'
      GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT 50`, [from, to]);
  const shadow = await sql.query<{ rule: string; effect: string; n: number }>(
    `SELECT s->>'rule' AS rule, s->>'action' AS effect, count(*)::int AS n
       FROM risk_decisions d, jsonb_array_elements(CASE WHEN jsonb_typeof(d.shadow) = 'array' THEN d.shadow ELSE '[]'::jsonb END) s
      WHERE ($1::timestamptz IS NULL OR d.created_at >= $1) AND ($2::timestamptz IS NULL OR d.created_at < $2)
      GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT 50`, [from, to]);
  return [...active.map((r) => ({ ...r, mode: 'active' as const })), ...shadow.map((r) => ({ ...r, mode: 'shadow' as const }))];
}

export async function setLabel(sql: Sql, id: string, label: 'fraud' | 'legit' | null, reason: string | null, by: string): Promise<boolean> {
  const rows = await sql.query(`UPDATE risk_decisions SET label = $2, label_reason = $3, labelled_by = $4, labelled_at = now() WHERE id = $1 RETURNING id`, [id, label, reason, by]);
  return rows.length === 1;
}

export async function labelBySubject(sql: Sql, subjectId: string, label: 'fraud' | 'legit', reason: string, by: string): Promise<number> {
  const rows = await sql.query(`UPDATE risk_decisions SET label = $2, label_reason = $3, labelled_by = $4, labelled_at = now() WHERE subject_id = $1 AND label IS NULL RETURNING id`, [subjectId, label, reason, by]);
  return rows.length;
}
