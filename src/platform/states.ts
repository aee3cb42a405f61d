import { AppError } from './errors.ts';

/** A lifecycle as data: for each state, the states it may move to. Terminal states map to []. */
export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>;

export function canTransition<S extends string>(table: TransitionTable<S>, from: S, to: S): boolean {
  return (table[from] ?? []).includes(to);
}

/** Throws a 409 illegal_transition for a move the table does not allow. */
export function assertTransition<S extends string>(entity: string, table: TransitionTable<S>, from: S, to: S): void {
  if (!canTransition(table, from, to)) {
    throw new AppError('illegal_transition', `${entity} cannot move from ${from} to ${to}`, { from, to });
  }
}

export function isTerminal<S extends string>(table: TransitionTable<S>, s: S): boolean {
  return (table[s] ?? []).length === 0;
}
