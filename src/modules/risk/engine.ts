import { MISSING, type CompiledRule } from './lang/index.ts';
import type { Decision, EventKind, RuleAction, SideAction } from './risk.schema.ts';

/** A rule ready to run: compiled once when the ruleset changes. */
export interface LiveRule {
  id: string;
  name: string;
  version: number;
  description: string;
  expression: string;
  events: ReadonlySet<EventKind>;
  action: RuleAction;
  score: number;
  sideActions: readonly SideAction[];
  mode: 'active' | 'shadow';
  compiled: CompiledRule;
}

export interface RuleSet { version: number; rules: readonly LiveRule[] }

export interface ListHit { list: 'allow' | 'block'; kind: string; value: string; entryId: string }

export interface Reason { rule: string; message: string; effect: string }
export interface Action { type: SideAction; rule: string; references: readonly string[] }
export interface ShadowHit { rule: string; action: RuleAction; score: number }

export interface EngineResult {
  decision: Decision;
  score: number;
  /** Why: the rules (and lists) that acted, most severe first. */
  reasons: Reason[];
  /** Side actions of the rules that fired (blacklist, freeze_card, alert). */
  actions: Action[];
  /** Shadow rules that would have fired: logged, never acted on. */
  shadow: ShadowHit[];
  /** Active rules that could not be judged because features were missing. */
  skipped: Array<{ rule: string; missing: readonly string[] }>;
}

export interface Thresholds { review: number; block: number }

const SEVERITY: Record<Decision, number> = { allow: 1, review: 2, block: 3 };

/** The score a firing rule adds: its own number, or a default that matches its action. */
function contribution(r: LiveRule): number {
  if (r.action === 'score') return r.score;
  if (r.action === 'block') return r.score || 100;
  if (r.action === 'review') return r.score || 50;
  return 0;
}

function describe(r: LiveRule, features: Readonly<Record<string, unknown>>): string {
  const seen = r.compiled.references.map((p) => `${p}=${JSON.stringify(features[p] ?? null)}`).join(', ');
  return `${r.description || r.expression}${seen ? ` (${seen})` : ''}`;
}

/**
 * The decision, in a fixed precedence: allow list → rules (block → review → allow) → score thresholds. Among the rules that fire, the most
 * severe decisive action wins (block > review > allow) — a later rule never lowers it; when no rule is
 * decisive, the summed score meets the thresholds. Shadow rules are evaluated and recorded only.
 * Pure and synchronous: all inputs are computed beforehand.
 */
export function decide(
  kind: EventKind,
  features: Readonly<Record<string, unknown>>,
  ruleset: RuleSet,
  hits: readonly ListHit[],
  thresholds: Thresholds,
  isSnoozed: (ruleId: string) => boolean = () => false,
): EngineResult {
  const reasons: Reason[] = [];
  const actions: Action[] = [];
  const shadow: ShadowHit[] = [];
  const skipped: EngineResult['skipped'] = [];

  // The allow list outranks everything. The block list is read by rules (`lists.block`): the built-in
  // "Block list hit" rule blocks, and like any rule it can be edited, shadowed or snoozed.
  const allow = hits.find((h) => h.list === 'allow');

  let decisive: Decision | null = null;
  let score = 0;
  if (allow) {
    decisive = 'allow';
    reasons.push({ rule: 'allow_list', message: `${allow.kind} is on the allow list`, effect: 'allow' });
  }

  for (const r of ruleset.rules) {
    if (!r.events.has(kind)) continue;
    const ev = r.compiled.evaluate(features);
    if (ev.result === MISSING) {
      if (r.mode === 'active') skipped.push({ rule: r.name, missing: ev.missing });
      continue;
    }
    if (ev.result !== true) continue;
    if (r.mode === 'shadow') {
      shadow.push({ rule: r.name, action: r.action, score: contribution(r) });
      continue;
    }
    if (allow) continue; // the allow list outranks every rule
    if (isSnoozed(r.id)) {
      reasons.push({ rule: r.name, message: `${describe(r, features)} — snoozed for this customer`, effect: 'snoozed' });
      continue;
    }
    score += contribution(r);
    if (r.action !== 'score') {
      const d = r.action as Decision;
      if (!decisive || SEVERITY[d] > SEVERITY[decisive]) decisive = d;
    }
    reasons.push({ rule: r.name, message: describe(r, features), effect: r.action === 'score' ? `score +${r.score}` : r.action });
    for (const a of r.sideActions) actions.push({ type: a, rule: r.name, references: r.compiled.references });
  }

  score = Math.max(0, Math.min(100, score));
  let decision: Decision;
  if (decisive) decision = decisive;
  else if (score >= thresholds.block) decision = 'block';
  else if (score >= thresholds.review) decision = 'review';
  else decision = 'allow';
  if (!decisive && decision !== 'allow') reasons.push({ rule: 'score_threshold', message: `score ${score} ≥ ${decision === 'block' ? thresholds.block : thresholds.review}`, effect: decision });

  reasons.sort((a, b) => rank(b.effect) - rank(a.effect));
  return { decision, score, reasons, actions, shadow, skipped };
}

function rank(effect: string): number {
  return effect === 'block' ? 4 : effect === 'review' ? 3 : effect === 'allow' ? 2 : effect.startsWith('score') ? 1 : 0;
}
