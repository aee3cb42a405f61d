import type { Db, Sql } from '../../platform/db/db.ts';
import type { Logger } from '../../platform/logger.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { audit } from '../staff/index.ts';
import { check, compile } from './lang/index.ts';
import * as repo from './risk.repo.ts';
import type { RuleFields, RuleRow } from './risk.repo.ts';
import { FEATURE_SCHEMA, type EventKind } from './risk.schema.ts';
import type { LiveRule, RuleSet } from './engine.ts';
import { RULE_PACK } from './rulepack.ts';

/** A rule that does not compile is refused with where and why. */
export function assertCompiles(expression: string): void {
  const r = check(expression, FEATURE_SCHEMA);
  if (!r.ok) throw new AppError('invalid_rule', `rule does not compile at line ${r.error.line}, column ${r.error.column}: ${r.error.message}`, { ...r.error });
}

function toLive(r: RuleRow): LiveRule {
  return {
    id: r.id, name: r.name, version: r.version, description: r.description, expression: r.expression, events: new Set<EventKind>(r.events),
    action: r.action, score: r.score, sideActions: r.sideActions, mode: r.mode, compiled: compile(r.expression, FEATURE_SCHEMA),
  };
}

/**
 * Rules: created, edited (each edit a new version of the rule and a new ruleset version), shadowed,
 * disabled, deleted — never edited in place without history. Decisions use the compiled ruleset held in
 * memory, reloaded when the ruleset version changes (any node's change reaches the others within a second).
 */
export function createRulesService(db: Db, log: Logger) {
  let live: RuleSet = { version: 0, rules: [] };
  let loading: Promise<void> | null = null;

  async function load(): Promise<void> {
    const rs = await repo.currentRuleset(db);
    if (!rs) return;
    const rules: LiveRule[] = [];
    for (const r of rs.rules) {
      if (!r.enabled) continue;
      try {
        rules.push(toLive(r));
      } catch (err) {
        log.error({ err, rule: r.name }, 'a stored rule no longer compiles; it is skipped');
      }
    }
    live = { version: rs.version, rules };
  }

  async function change(actor: string, ip: string | null | undefined, run: (trx: Sql) => Promise<RuleRow>): Promise<RuleRow> {
    const rule = await db.tx(async (trx) => {
      const r = await run(trx);
      await repo.snapshotRuleset(trx);
      return r;
    });
    await service.refresh();
    return rule;
  }

  const service = {
    current: (): RuleSet => live,

    async refresh(): Promise<void> {
      const v = await repo.rulesetVersion(db);
      if (v === live.version && v !== 0) return;
      loading ??= load().finally(() => { loading = null; });
      await loading;
    },

    list: () => repo.listRules(db),
    get: (id: string) => repo.getRule(db, id),
    versions: (id: string) => repo.ruleVersions(db, id),

    async create(actor: string, f: RuleFields, ip?: string | null, builtin: string | null = null, trxIn?: Sql): Promise<RuleRow> {
      assertCompiles(f.expression);
      const id = newId('rul');
      const run = async (trx: Sql) => {
        if (await repo.nameTaken(trx, f.name)) throw new AppError('conflict', `a rule named "${f.name}" exists`);
        await repo.insertRule(trx, id, f, builtin);
        await repo.insertRuleVersion(trx, id, 1, f, actor);
        await audit(trx, { actor, action: 'risk.rule_created', subjectId: id, details: { ...f }, ip });
        return (await repo.getRule(trx, id))!;
      };
      if (trxIn) return run(trxIn);
      return change(actor, ip, run);
    },

    async update(actor: string, id: string, patch: Partial<RuleFields>, ip?: string | null): Promise<RuleRow> {
      if (patch.expression !== undefined) assertCompiles(patch.expression);
      return change(actor, ip, async (trx) => {
        const cur = await repo.getRule(trx, id, true);
        if (!cur) throw new AppError('not_found', 'rule not found');
        const next: RuleFields = {
          name: patch.name ?? cur.name, description: patch.description ?? cur.description, expression: patch.expression ?? cur.expression, events: patch.events ?? cur.events,
          action: patch.action ?? cur.action, score: patch.score ?? cur.score, sideActions: patch.sideActions ?? cur.sideActions, mode: patch.mode ?? cur.mode, enabled: patch.enabled ?? cur.enabled,
        };
        if (next.name !== cur.name && (await repo.nameTaken(trx, next.name, id))) throw new AppError('conflict', `a rule named "${next.name}" exists`);
        const version = cur.version + 1;
        await repo.updateRule(trx, id, version, next);
        await repo.insertRuleVersion(trx, id, version, next, actor);
        await audit(trx, { actor, action: 'risk.rule_updated', subjectId: id, details: { version, before: { expression: cur.expression, action: cur.action, mode: cur.mode, enabled: cur.enabled }, after: patch }, ip });
        return (await repo.getRule(trx, id))!;
      });
    },

    async remove(actor: string, id: string, ip?: string | null): Promise<void> {
      await change(actor, ip, async (trx) => {
        const cur = await repo.getRule(trx, id, true);
        if (!cur) throw new AppError('not_found', 'rule not found');
        await repo.deleteRule(trx, id, cur.version + 1);
        await repo.insertRuleVersion(trx, id, cur.version + 1, cur, actor, true);
        await audit(trx, { actor, action: 'risk.rule_deleted', subjectId: id, details: { name: cur.name }, ip });
        return cur;
      });
    },

    /** First start (and upgrades): installs built-in rules not installed before. */
    async installRulePack(): Promise<number> {
      const added = await db.tx(async (trx) => {
        await trx.query(`SELECT pg_advisory_xact_lock(hashtextextended('risk.rulepack', 7))`);
        const have = new Set((await trx.query<{ builtin: string }>(`SELECT builtin FROM risk_rules WHERE builtin IS NOT NULL`)).map((r) => r.builtin));
        let n = 0;
        for (const { key, ...f } of RULE_PACK) {
          if (have.has(key)) continue;
          await service.create('system', f, null, key, trx);
          n++;
        }
        if (n > 0 || (await repo.rulesetVersion(trx)) === 0) await repo.snapshotRuleset(trx);
        return n;
      });
      await service.refresh();
      return added;
    },
  };
  return service;
}
export type RulesService = ReturnType<typeof createRulesService>;
