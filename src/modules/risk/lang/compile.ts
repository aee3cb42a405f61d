import { check as typecheck, validateSchema } from './checker.ts';
import { generate, Miss } from './codegen.ts';
import { RuleCompileError } from './errors.ts';
import { parse } from './parser.ts';
import { MISSING, type CompiledRule, type Evaluation, type Schema } from './types.ts';

const NONE: readonly string[] = Object.freeze([]);
const TRUE: Evaluation = Object.freeze({ result: true, missing: NONE, reasons: NONE });
const FALSE: Evaluation = Object.freeze({ result: false, missing: NONE, reasons: NONE });

/**
 * Parse, type-check against `schema` and compile a rule to closures. Throws RuleCompileError (with
 * position/line/column/length) for anything wrong with the rule; TypeError for a malformed schema.
 */
export function compile(source: string, schema: Schema): CompiledRule {
  if (typeof source !== 'string') throw new TypeError('rule source must be a string');
  validateSchema(schema);
  const ast = parse(source);
  const types = typecheck(source, ast, schema);
  const { fn, refs } = generate(source, ast, types);
  const references = Object.freeze(refs);
  return Object.freeze({
    source,
    references,
    evaluate(input: Readonly<Record<string, unknown>>): Evaluation {
      let v;
      try {
        v = fn(input);
      } catch (e) {
        // Unreachable for plain-object inputs; a throwing getter or a non-object input must still
        // never take the decision down with it.
        return { result: MISSING, missing: NONE, reasons: [`evaluation failed: ${e instanceof Error ? e.message : String(e)}`] };
      }
      if (v === true) return TRUE;
      if (v === false) return FALSE;
      const m = v as Miss;
      return { result: MISSING, missing: m.paths, reasons: m.reasons };
    },
  });
}

/** Like compile, for the console: the verdict as a value instead of an exception. */
export function check(
  source: string,
  schema: Schema,
): { ok: true; references: string[] } | { ok: false; error: { message: string; position: number; line: number; column: number; length: number } } {
  try {
    return { ok: true, references: [...compile(source, schema).references] };
  } catch (e) {
    if (e instanceof RuleCompileError) return { ok: false, error: e.toJSON() };
    throw e;
  }
}
