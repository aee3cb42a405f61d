import type { Sql } from '../../../platform/db/db.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import { assertTransition } from '../../../platform/states.ts';
import { isUniqueViolation } from '../../../platform/db/db.ts';
import { audit } from '../../staff/index.ts';
import { maskCard } from '../../risk/index.ts';
import type { CardsDeps } from '../cards.deps.ts';
import * as repo from '../cards.repo.ts';
import { cardSpend } from '../authorizations.repo.ts';
import { applyPatch, effectiveControls, looksLikePan, validateControls } from '../cards.controls.ts';
import { CARD_TRANSITIONS } from '../cards.states.ts';
import { notifyCardholder } from '../cards.notify.ts';
import { cardsId, type CardStatus, type Controls, type ControlsPatch, type Fallback } from '../cards.schema.ts';

export interface NewCard {
  cardholderId: string; processorCardId: string; bin: string; last4: string; expMonth: number; expYear: number; currency: string;
  program?: string; controls?: Controls;
}

/** Feed cursors are opaque to clients: base64url of [created_at in epoch µs, authorization id]. */
function encodeFeedCursor(us: string, id: string): string {
  return Buffer.from(JSON.stringify([us, id])).toString('base64url');
}
function decodeFeedCursor(cursor: string): { us: string; id: string } {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && /^-?[0-9]{1,19}$/.test(v[0]) && typeof v[1] === 'string' && v[1].length <= 140) return { us: v[0], id: v[1] };
  } catch { /* not a cursor of ours */ }
  throw new AppError('validation_failed', 'cursor is not valid: pass the nextCursor of the previous page');
}

const refusePan = (field: string, value: string | undefined | null) => {
  if (value && looksLikePan(value)) throw new AppError('validation_failed', `${field} looks like a full card number: Tollgate never takes card numbers (send BIN, last4 and the processor's card id)`);
};

/** Cardholders, programs and cards: the console's use cases. Every status move goes through `transition`. */
export function manageCards(d: CardsDeps) {
  const { db, cipher } = d;
  const enc = (v: string | undefined | null) => (v ? cipher.encrypt(v) : null);
  const dec = (v: string | null) => (v ? cipher.decrypt(v) : null);

  /** The one way a card's status changes: checked against the table, appended to the history. False when already there. */
  async function transition(trx: Sql, card: repo.Card, to: CardStatus, actor: string, reason: string): Promise<boolean> {
    if (card.status === to) return false;
    assertTransition('card', CARD_TRANSITIONS, card.status, to);
    await repo.setStatus(trx, card.id, to);
    await repo.appendHistory(trx, card.id, card.status, to, actor, reason);
    return true;
  }

  async function tellCardholder(trx: Sql, card: repo.Card, what: 'frozen' | 'active' | 'closed', why: string): Promise<void> {
    const [holder] = await repo.getCardholders(trx, [card.cardholderId]);
    if (!holder) return;
    const masked = maskCard(card.bin, card.last4);
    const subject = what === 'frozen' ? `Your card ${masked} is frozen` : what === 'active' ? `Your card ${masked} is active again` : `Your card ${masked} is closed`;
    const text = what === 'frozen'
      ? `Your company card ${masked} was frozen: ${why}. Payments with it are declined until it is unfrozen. If this was not you, tell your manager.`
      : what === 'active' ? `Your company card ${masked} can be used again.` : `Your company card ${masked} was closed: ${why}.`;
    await notifyCardholder(d, trx, holder, { subjectId: card.id, subject, text });
  }

  async function cardView(id: string) {
    const card = await repo.getCard(db, id);
    if (!card) throw notFound('card');
    const [holder] = await repo.getCardholders(db, [card.cardholderId]);
    const program = card.programId ? await repo.getProgram(db, card.programId) : null;
    const effective = effectiveControls(program?.controls, card.controls);
    const spend = await cardSpend(db, card.id, effective.timezone ?? 'UTC', d.clock.now());
    return {
      id: card.id, cardholderId: card.cardholderId, cardholderName: holder ? dec(holder.nameEnc) : null, processorCardId: card.processorCardId,
      card: maskCard(card.bin, card.last4), bin: card.bin, last4: card.last4, expMonth: card.expMonth, expYear: card.expYear, currency: card.currency,
      program: program ? { id: program.id, name: program.name, fallback: program.fallback } : null,
      status: card.status, controls: card.controls, effectiveControls: effective,
      spend: { today: { amount: spend.day, currency: card.currency }, thisMonth: { amount: spend.month, currency: card.currency } },
      history: await repo.history(db, card.id), createdAt: card.createdAt, updatedAt: card.updatedAt,
    };
  }

  async function statusAction(actor: string, id: string, to: CardStatus, reason: string, ip?: string | null) {
    await db.tx(async (trx) => {
      const card = await repo.getCard(trx, id, true);
      if (!card) throw notFound('card');
      if (!(await transition(trx, card, to, actor, reason))) return; // already there: nothing to do, nothing to audit
      await audit(trx, { actor, action: `card.${to === 'active' ? 'unfrozen' : to}`, subjectId: id, details: { from: card.status, to, reason }, ip });
      await tellCardholder(trx, card, to, reason);
    });
    d.cardState?.cardChanged(id); // committed: the next authorization reads the new status
    return cardView(id);
  }

  return {
    transition,
    tellCardholder,
    getCard: cardView,

    async createCardholder(actor: string, input: { name: string; email?: string; phone?: string }, ip?: string | null) {
      const id = cardsId('chd');
      await db.tx(async (trx) => {
        await repo.insertCardholder(trx, { id, nameEnc: cipher.encrypt(input.name), emailEnc: enc(input.email), phoneEnc: enc(input.phone), createdBy: actor });
        await audit(trx, { actor, action: 'cardholder.created', subjectId: id, ip }); // no personal data in the audit log
      });
      return { id };
    },

    async listCardholders(limit: number, before?: string) {
      const rows = await repo.listCardholders(db, limit, before);
      return rows.map((h) => ({ id: h.id, name: dec(h.nameEnc) ?? '', email: dec(h.emailEnc), phone: dec(h.phoneEnc), cards: h.cards, createdAt: h.createdAt }));
    },

    async createProgram(actor: string, input: { name: string; controls?: Controls; fallback: Fallback }, ip?: string | null) {
      const controls = validateControls(input.controls ?? {});
      const id = cardsId('cpg');
      await db.tx(async (trx) => {
        if (await repo.programNameTaken(trx, input.name)) throw new AppError('conflict', `a card program named "${input.name}" exists`);
        await repo.insertProgram(trx, { id, name: input.name, controls, fallback: input.fallback });
        await audit(trx, { actor, action: 'card_program.created', subjectId: id, details: { name: input.name, controls, fallback: input.fallback }, ip });
      });
      return { id };
    },

    async updateProgram(actor: string, id: string, patch: { name?: string; controls?: Controls; fallback?: Fallback }, ip?: string | null) {
      await db.tx(async (trx) => {
        const p = await repo.getProgram(trx, id, true);
        if (!p) throw notFound('card program');
        const next = { name: patch.name ?? p.name, controls: validateControls(patch.controls ?? p.controls), fallback: patch.fallback ?? p.fallback };
        if (patch.name && (await repo.programNameTaken(trx, patch.name, id))) throw new AppError('conflict', `a card program named "${patch.name}" exists`);
        await repo.updateProgram(trx, id, next);
        await audit(trx, { actor, action: 'card_program.updated', subjectId: id, details: { before: { name: p.name, controls: p.controls, fallback: p.fallback }, after: next }, ip });
      });
      d.cardState?.programChanged(id);
      return (await repo.getProgram(db, id))!;
    },

    listPrograms: () => repo.listPrograms(db),

    async createCard(actor: string, input: NewCard, ip?: string | null) {
      refusePan('processorCardId', input.processorCardId);
      refusePan('program', input.program);
      const controls = validateControls(input.controls ?? {});
      const id = cardsId('crd');
      try {
        await db.tx(async (trx) => {
          if ((await repo.getCardholders(trx, [input.cardholderId])).length === 0) throw new AppError('unprocessable', `cardholder ${input.cardholderId} not found`);
          if (input.program && !(await repo.getProgram(trx, input.program))) throw new AppError('unprocessable', `card program ${input.program} not found`);
          if (await repo.processorCardIdTaken(trx, input.processorCardId)) throw new AppError('conflict', 'a card with this processor card id exists');
          await repo.insertCard(trx, {
            id, cardholderId: input.cardholderId, programId: input.program ?? null, processorCardId: input.processorCardId, bin: input.bin, last4: input.last4,
            expMonth: input.expMonth, expYear: input.expYear, currency: input.currency, controls,
          });
          await repo.appendHistory(trx, id, null, 'active', actor, 'issued');
          await audit(trx, { actor, action: 'card.created', subjectId: id, details: { card: maskCard(input.bin, input.last4), cardholderId: input.cardholderId, program: input.program ?? null, controls }, ip });
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('conflict', 'a card with this processor card id exists');
        throw err;
      }
      d.cardState?.cardChanged(id, input.processorCardId); // a reference asked about before it existed
      return { id, status: 'active' as const };
    },

    async listCards(f: repo.CardFilter) {
      const cards = await repo.listCards(db, f);
      const holders = new Map((await repo.getCardholders(db, [...new Set(cards.map((c) => c.cardholderId))])).map((h) => [h.id, h]));
      const programs = cards.some((c) => c.programId) ? new Map((await repo.listPrograms(db)).map((p) => [p.id, p.name])) : new Map<string, string>();
      return cards.map((c) => ({
        id: c.id, cardholderId: c.cardholderId, cardholderName: dec(holders.get(c.cardholderId)?.nameEnc ?? null), processorCardId: c.processorCardId,
        card: maskCard(c.bin, c.last4), currency: c.currency, programId: c.programId, programName: c.programId ? programs.get(c.programId) ?? null : null,
        status: c.status, createdAt: c.createdAt,
      }));
    },

    /**
     * The console's authorization feed, newest first: decline reasons, stage, score, fallback, the masked card and
     * the cardholder's name. `cursor` is the opaque nextCursor of the previous page.
     */
    async authorizationFeed(f: Omit<repo.FeedFilter, 'after'> & { cursor?: string }) {
      const rows = await repo.authorizationFeed(db, { ...f, after: f.cursor ? decodeFeedCursor(f.cursor) : undefined });
      const holders = new Map((await repo.getCardholders(db, [...new Set(rows.map((r) => r.cardholderId).filter((x): x is string => !!x))])).map((h) => [h.id, h]));
      const data = rows.map(({ positionUs: _p, bin, last4, ...r }) => ({
        ...r, card: bin && last4 ? maskCard(bin, last4) : null, cardholderName: r.cardholderId ? dec(holders.get(r.cardholderId)?.nameEnc ?? null) : null,
      }));
      const last = rows[rows.length - 1];
      return { data, nextCursor: rows.length === f.limit && last ? encodeFeedCursor(last.positionUs, last.id) : null };
    },

    /** A card's after-transaction events (404 when the card does not exist). */
    async cardTransactions(id: string, limit: number) {
      if (!(await repo.getCard(db, id))) throw notFound('card');
      return repo.cardTransactions(db, id, limit);
    },

    async patchControls(actor: string, id: string, patch: ControlsPatch, ip?: string | null) {
      await db.tx(async (trx) => {
        const card = await repo.getCard(trx, id, true);
        if (!card) throw notFound('card');
        if (card.status === 'closed') throw new AppError('illegal_transition', 'a closed card\'s controls cannot change');
        const next = validateControls(applyPatch(card.controls, patch));
        await repo.setControls(trx, id, next);
        await audit(trx, { actor, action: 'card.controls_updated', subjectId: id, details: { before: card.controls, after: next }, ip });
      });
      d.cardState?.cardChanged(id);
      return cardView(id);
    },

    freeze: (actor: string, id: string, reason: string, ip?: string | null) => statusAction(actor, id, 'frozen', reason, ip),
    unfreeze: (actor: string, id: string, reason: string, ip?: string | null) => statusAction(actor, id, 'active', reason, ip),
    close: (actor: string, id: string, reason: string, ip?: string | null) => statusAction(actor, id, 'closed', reason, ip),
  };
}
export type ManageCards = ReturnType<typeof manageCards>;
