// Tollgate rule language: analysts' fraud rules, checked against a feature schema at compile time and
// compiled once to closures for the hot path. Grammar and semantics: parser.ts.
export { MISSING, LIMITS } from './types.ts';
export type { Value, FeatureType, Schema, Evaluation, CompiledRule } from './types.ts';
export { RuleCompileError } from './errors.ts';
export { compile, check } from './compile.ts';
