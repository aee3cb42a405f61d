import { useEffect, useState } from 'react';
import { navigate, useSearch } from '../router.tsx';

/** Sets (or, for '' / undefined, removes) query parameters of `base`, keeping the others; replaces the history entry. */
export function setSearchParams(base: string, patch: Record<string, string | undefined>): void {
  const next = new URLSearchParams(window.location.search);
  for (const [k, v] of Object.entries(patch)) {
    if (v) next.set(k, v);
    else next.delete(k);
  }
  const s = next.toString();
  navigate(`${base}${s ? `?${s}` : ''}`, { replace: true });
}

/**
 * A list page's filters kept in the URL of `base` (so a filtered view can be linked, and survives a reload).
 * `values` holds each of `keys` ('' when absent); `any` says whether one of them is set. Other parameters
 * (an open drawer's id) are read from `search` and set with `set` too, but do not count as filters.
 */
export function useUrlFilters<K extends string>(base: string, keys: readonly K[]) {
  const search = useSearch();
  const values = {} as Record<K, string>;
  for (const k of keys) values[k] = search.get(k) ?? '';
  return {
    search,
    values,
    any: keys.some((k) => values[k] !== ''),
    set: (key: string, value: string) => setSearchParams(base, { [key]: value }),
    setMany: (patch: Record<string, string | undefined>) => setSearchParams(base, patch),
    clear: () => navigate(base, { replace: true }),
  };
}

/**
 * Text typed into a filter box, committed (trimmed) after `delayMs` without typing, unless it equals `value`
 * (what the URL holds) or `isValid` refuses it. Returns the text and its setter, like useState.
 */
export function useDebouncedInput(value: string, commit: (text: string) => void, { delayMs = 300, isValid }: { delayMs?: number; isValid?: (text: string) => boolean } = {}) {
  const [text, setText] = useState(value);
  useEffect(() => {
    const t = text.trim();
    if (t === value || (t && isValid && !isValid(t))) return;
    const h = window.setTimeout(() => commit(t), delayMs);
    return () => window.clearTimeout(h);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);
  return [text, setText] as const;
}
