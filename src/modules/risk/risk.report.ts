import type { DecisionFilter, DecisionRow } from './risk.repo.ts';

/** The fraud report as CSV, produced page by page so a long period never sits in memory at once. */

export const REPORT_HEADER = ['decision_id', 'created_at', 'kind', 'subject_id', 'decision', 'score', 'rules', 'reasons', 'email', 'ip', 'card', 'amount_usd', 'label'];

/** One cell: quoted when needed; a leading =, +, -, @ is neutralised so a spreadsheet never runs it as a formula. */
export function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\n\r]/.test(s) || /^[=+\-@]/.test(s) ? `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"` : s;
}

export function reportLine(r: DecisionRow): string {
  const fired = (r.reasons as Array<{ rule: string; message: string; effect: string }>).filter((x) => x.effect !== 'skipped');
  const f = r.features;
  const card = f['card.bin'] && f['card.last4'] ? `${f['card.bin']}…${f['card.last4']}` : '';
  return [r.id, new Date(r.createdAt).toISOString(), r.kind, r.subjectId, r.decision, r.score, fired.map((x) => x.rule).join('; '), fired.map((x) => x.message).join(' | '),
    f['email.address'], f['ip.address'], card, f['amount.usd'], r.label].map(csvCell).join(',');
}

/**
 * Yields the header, then one chunk per page of `pageSize` decisions (newest first, keyset on the id), asking
 * for the next page only when the consumer pulls — a slow client holds one page, not the whole period.
 * `max` caps the number of rows (none: everything the filter matches).
 */
export async function* fraudReportCsv(
  list: (f: DecisionFilter) => Promise<DecisionRow[]>,
  filter: Omit<DecisionFilter, 'limit'>,
  opts: { pageSize?: number; max?: number } = {},
): AsyncGenerator<string> {
  const pageSize = opts.pageSize ?? 500;
  let left = opts.max ?? Number.POSITIVE_INFINITY;
  let before = filter.before;
  yield REPORT_HEADER.join(',') + '\r\n';
  while (left > 0) {
    const limit = Math.min(pageSize, left);
    const rows = await list({ ...filter, before, limit });
    if (rows.length === 0) return;
    yield rows.map(reportLine).join('\r\n') + '\r\n';
    left -= rows.length;
    if (rows.length < limit) return;
    before = rows[rows.length - 1].id;
  }
}
