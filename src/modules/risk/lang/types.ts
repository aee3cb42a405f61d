// Public types of the rule language. See parser.ts for the grammar and index.ts for the API.

/**
 * The third truth value. A feature absent from the input (or `null`/`undefined`) is MISSING, and so is
 * anything computed from it, except `is_missing(x)`. `Symbol.for` keeps one identity even if this
 * module is loaded twice (bundled server + tsx tests).
 */
export const MISSING: unique symbol = Symbol.for('tollgate.risk.lang.MISSING');

export type Value = number | string | boolean | string[] | typeof MISSING;

/** Types a feature can be declared with. */
export type FeatureType = 'number' | 'string' | 'boolean' | 'string[]';

/** Known feature paths and their types. Only own properties are read. */
export type Schema = Readonly<Record<string, FeatureType>>;

export interface Evaluation {
  /** The rule fires only when this is exactly `true`. */
  result: true | false | typeof MISSING;
  /**
   * When `result` is MISSING: the feature paths whose absence (or unusable value) made it so, in source
   * order, without duplicates. Empty otherwise. Shared and frozen: do not mutate.
   */
  missing: readonly string[];
  /**
   * When `result` is MISSING because of a runtime problem rather than an absent feature: why
   * (`"amount.usd: expected a number, got string"`, `"division by zero"`). Empty otherwise.
   */
  reasons: readonly string[];
}

export interface CompiledRule {
  source: string;
  /** Feature paths the rule reads (after constant folding), in source order, without duplicates. */
  references: readonly string[];
  /** Never throws; allocation-free when the result is true or false. */
  evaluate(input: Readonly<Record<string, unknown>>): Evaluation;
}

/** Limits that keep compilation and evaluation cheap no matter what is typed into the console. */
export const LIMITS = Object.freeze({ maxSourceLength: 2000, maxDepth: 32, maxListItems: 500 });
