/** Date helpers for <input type=date> / <input type=datetime-local> values (local time). */

/** Local date (yyyy-mm-dd) to an ISO instant at local midnight; `nextDay` gives the exclusive upper bound. */
export function dayToIso(day: string, nextDay = false): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const d = new Date(`${day}T00:00:00`);
  if (Number.isNaN(d.getTime())) return undefined;
  if (nextDay) d.setDate(d.getDate() + 1);
  return d.toISOString();
}

/** A Date as a local yyyy-mm-dd (what <input type=date> holds). */
export function localDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function daysAgo(n: number): string {
  const d = new Date();
  d.setDate(d.getDate() - n);
  return localDay(d);
}

/** A Date as the value of <input type=datetime-local> (local time, minutes). */
export function localDateTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${localDay(d)}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * A <input type=datetime-local> value as an ISO instant that must lie in the future: undefined when empty,
 * an Error (to show) when it is not a date or not in the future.
 */
export function futureIso(local: string, pastMessage = 'The date must be in the future.'): string | Error | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  if (Number.isNaN(d.getTime())) return new Error('That date is not valid.');
  if (d.getTime() <= Date.now()) return new Error(pastMessage);
  return d.toISOString();
}
