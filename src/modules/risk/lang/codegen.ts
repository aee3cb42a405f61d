// Turns a checked AST into a tree of small closures. Types are known statically, so each closure is
// specialised for its operand types; the only dynamic checks are on values read from the input.
//
// MISSING inside the tree is an instance of `Miss` carrying the feature paths (and runtime reasons) that
// caused it, so the result can say "skipped: device.id missing". Misses for absent features and for
// per-node runtime failures (division by zero, overflow) are allocated once, at compile time: evaluating
// a rule allocates nothing unless two different misses have to be merged.
import { clip, failAt } from './errors.ts';
import { isList, type LangType, type Types } from './checker.ts';
import type { CmpOp, Node } from './parser.ts';

export class Miss {
  readonly paths: readonly string[];
  readonly reasons: readonly string[];
  constructor(paths: readonly string[], reasons: readonly string[]) {
    this.paths = Object.freeze([...paths]);
    this.reasons = Object.freeze([...reasons]);
  }
}

export type Input = Readonly<Record<string, unknown>>;
type Scalar = number | string | boolean;
export type RV = Scalar | readonly unknown[] | Miss;
export type Fn = (input: Input) => RV;

/** A compiled node: its closure, whether it is a constant (then `fn` ignores its input), and the feature paths it reads. */
interface Code {
  fn: Fn;
  constant: boolean;
  refs: string[];
}

const hasOwn = Object.prototype.hasOwnProperty;
const EMPTY_INPUT: Input = Object.freeze(Object.create(null));

function merge(a: Miss, b: Miss): Miss {
  if (a === b) return a;
  const paths = b.paths.filter((p) => !a.paths.includes(p));
  const reasons = b.reasons.filter((r) => !a.reasons.includes(r));
  if (paths.length === 0 && reasons.length === 0) return a;
  return new Miss([...a.paths, ...paths], [...a.reasons, ...reasons]);
}

/** Merge the misses among already-evaluated operands (at least one is a Miss). */
function missOf(values: readonly RV[]): Miss {
  let acc: Miss | undefined;
  for (const v of values) if (v instanceof Miss) acc = acc ? merge(acc, v) : v;
  return acc!;
}

function describeValue(v: unknown, type: LangType): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (Array.isArray(v)) return type === 'string[]' ? 'a list containing a non-string' : 'a list';
  if (typeof v === 'string') return 'string';
  return typeof v;
}

/** Reads one feature, accepting only an own property of the declared type; anything else is a Miss. */
function loader(path: string, type: LangType): Fn {
  const absent = new Miss([path], []);
  const expected = { number: 'a finite number', string: 'a string', boolean: 'a boolean', 'string[]': 'a list of strings' }[type as string];
  const slow = (input: Input, v: unknown): Miss => {
    if (v === undefined || v === null || !hasOwn.call(input, path)) return absent;
    return new Miss([path], [`${path}: expected ${expected}, got ${describeValue(v, type)}`]);
  };
  switch (type) {
    case 'number':
      return (input) => {
        const v = input[path];
        return typeof v === 'number' && v - v === 0 && hasOwn.call(input, path) ? v : slow(input, v);
      };
    case 'string':
      return (input) => {
        const v = input[path];
        return typeof v === 'string' && hasOwn.call(input, path) ? v : slow(input, v);
      };
    case 'boolean':
      return (input) => {
        const v = input[path];
        return (v === true || v === false) && hasOwn.call(input, path) ? v : slow(input, v);
      };
    default: // string[]
      return (input) => {
        const v = input[path];
        return Array.isArray(v) && allStrings(v) && hasOwn.call(input, path) ? v : slow(input, v);
      };
  }
}

function allStrings(a: readonly unknown[]): boolean {
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== 'string') return false;
  return true;
}

export function generate(src: string, root: Node, types: Types): { fn: Fn; refs: string[] } {
  const typeOf = (n: Node): LangType => types.get(n)!;
  const snippet = (n: Node) => clip(src.slice(n.pos, n.pos + n.len));

  const konst = (v: RV): Code => ({ fn: () => v, constant: true, refs: [] });
  const valueOf = (c: Code): RV => c.fn(EMPTY_INPUT);
  const union = (codes: Code[]): string[] => {
    const out: string[] = [];
    for (const c of codes) for (const r of c.refs) if (!out.includes(r)) out.push(r);
    return out;
  };
  /** Wrap a pure operation: fold it to a constant when all its operands are constant. */
  const op = (n: Node, parts: Code[], fn: Fn): Code => {
    if (parts.every((p) => p.constant)) {
      const v = fn(EMPTY_INPUT);
      if (v instanceof Miss) failAt(src, n.pos, n.len, `${v.reasons.join('; ')}: ${snippet(n)} can never be evaluated`);
      return konst(v);
    }
    return { fn, constant: false, refs: union(parts) };
  };

  function gen(n: Node): Code {
    switch (n.k) {
      case 'num':
      case 'str':
      case 'bool':
        return konst(n.value);
      case 'list':
        return konst(Object.freeze(n.items.map((i) => i.value)));
      case 'path':
        return { fn: loader(n.path, typeOf(n)), constant: false, refs: [n.path] };
      case 'neg': {
        const a = gen(n.arg);
        const f = a.fn;
        return op(n, [a], (i) => {
          const v = f(i);
          return typeof v === 'number' ? -v : v;
        });
      }
      case 'not': {
        const a = gen(n.arg);
        const f = a.fn;
        return op(n, [a], (i) => {
          const v = f(i);
          return v === true ? false : v === false ? true : v;
        });
      }
      case 'and':
      case 'or':
        return logic(n.k, n.args.map(gen));
      case 'arith':
        return arith(n, gen(n.left), gen(n.right));
      case 'cmp':
        return compare(n, n.op, gen(n.left), gen(n.right));
      case 'in':
        return membership(n, gen(n.left), gen(n.right), n.right.k === 'list');
      case 'call':
        return call(n);
    }
  }

  // Kleene logic: false absorbs in `and`, true absorbs in `or`; MISSING only when nothing absorbs it.
  function logic(kind: 'and' | 'or', all: Code[]): Code {
    const absorbing = kind === 'or';
    const parts: Code[] = [];
    for (const c of all) {
      if (c.constant) {
        if (valueOf(c) === absorbing) return konst(absorbing); // `x or true`, `false and x`
        continue; // the neutral element: `x and true` is x
      }
      parts.push(c);
    }
    if (parts.length === 0) return konst(!absorbing);
    if (parts.length === 1) return parts[0];
    const refs = union(parts);
    const fns = parts.map((p) => p.fn);
    if (fns.length === 2) {
      const [f, g] = fns;
      const fn: Fn = absorbing
        ? (i) => {
            const a = f(i);
            if (a === true) return true;
            const b = g(i);
            if (b === true) return true;
            if (a === false) return b;
            if (b === false) return a;
            return merge(a as Miss, b as Miss);
          }
        : (i) => {
            const a = f(i);
            if (a === false) return false;
            const b = g(i);
            if (b === false) return false;
            if (a === true) return b;
            if (b === true) return a;
            return merge(a as Miss, b as Miss);
          };
      return { fn, constant: false, refs };
    }
    const neutral = !absorbing;
    const fn: Fn = (i) => {
      let acc: Miss | undefined;
      for (let k = 0; k < fns.length; k++) {
        const v = fns[k](i);
        if (v === absorbing) return absorbing;
        if (v !== neutral) acc = acc ? merge(acc, v as Miss) : (v as Miss);
      }
      return acc ?? neutral;
    };
    return { fn, constant: false, refs };
  }

  function arith(n: Extract<Node, { k: 'arith' }>, l: Code, r: Code): Code {
    const o = n.op;
    const overflow = new Miss([], [`arithmetic overflow in ${snippet(n)}`]);
    const byZero = new Miss([], [`division by zero in ${snippet(n)}`]);
    if (o === '/' && r.constant && valueOf(r) === 0) {
      failAt(src, n.right.pos, n.right.len, `division by zero: ${snippet(n)} can never be evaluated`);
    }
    const f = l.fn;
    const g = r.fn;
    const finish = (v: number): RV => (v - v === 0 ? v : overflow);
    const both = (fn: (a: number, b: number) => RV): Fn => (i) => {
      const a = f(i);
      const b = g(i);
      if (typeof a !== 'number' || typeof b !== 'number') return missOf([a, b]);
      return fn(a, b);
    };
    const fn =
      o === '+' ? both((a, b) => finish(a + b))
      : o === '-' ? both((a, b) => finish(a - b))
      : o === '*' ? both((a, b) => finish(a * b))
      : both((a, b) => (b === 0 ? byZero : finish(a / b)));
    return op(n, [l, r], fn);
  }

  function compare(n: Node, o: CmpOp, l: Code, r: Code): Code {
    const f = l.fn;
    const g = r.fn;
    // The common shape `feature <op> literal`: test the constant once, not per evaluation.
    if (r.constant && !l.constant) {
      const k = valueOf(r) as Scalar;
      const ok = (v: RV): v is Scalar => typeof v !== 'object'; // scalars are never objects; a Miss is
      let fn: Fn;
      switch (o) {
        case '==': fn = (i) => { const a = f(i); return ok(a) ? a === k : a; }; break;
        case '!=': fn = (i) => { const a = f(i); return ok(a) ? a !== k : a; }; break;
        case '<': fn = (i) => { const a = f(i); return ok(a) ? a < k : a; }; break;
        case '<=': fn = (i) => { const a = f(i); return ok(a) ? a <= k : a; }; break;
        case '>': fn = (i) => { const a = f(i); return ok(a) ? a > k : a; }; break;
        case '>=': fn = (i) => { const a = f(i); return ok(a) ? a >= k : a; }; break;
      }
      return { fn, constant: false, refs: l.refs };
    }
    const test: (a: Scalar, b: Scalar) => boolean =
      o === '==' ? (a, b) => a === b
      : o === '!=' ? (a, b) => a !== b
      : o === '<' ? (a, b) => a < b
      : o === '<=' ? (a, b) => a <= b
      : o === '>' ? (a, b) => a > b
      : (a, b) => a >= b;
    return op(n, [l, r], (i) => {
      const a = f(i);
      const b = g(i);
      if (typeof a === 'object' || typeof b === 'object') return missOf([a, b]);
      return test(a, b);
    });
  }

  function membership(n: Extract<Node, { k: 'in' }>, l: Code, r: Code, literal: boolean): Code {
    const neg = n.negated;
    const f = l.fn;
    if (literal) {
      // A list literal is a constant: look it up in a Set.
      const set = new Set(valueOf(r) as readonly Scalar[]);
      return op(n, [l], (i) => {
        const a = f(i);
        return typeof a === 'object' ? a : set.has(a) !== neg;
      });
    }
    const g = r.fn;
    return op(n, [l, r], (i) => {
      const a = f(i);
      const b = g(i);
      if (typeof a === 'object' || b instanceof Miss) return missOf([a, b]);
      return (b as readonly unknown[]).includes(a) !== neg;
    });
  }

  function call(n: Extract<Node, { k: 'call' }>): Code {
    if (n.name === 'is_missing') {
      const arg = n.args[0] as Extract<Node, { k: 'path' }>;
      const read = loader(arg.path, typeOf(arg));
      return { fn: (i) => read(i) instanceof Miss, constant: false, refs: [arg.path] };
    }
    const args = n.args.map(gen);
    const [f, g] = args.map((a) => a.fn);
    const str = (fn: (a: string) => RV): Fn => (i) => {
      const a = f(i);
      return typeof a === 'string' ? fn(a) : a;
    };
    const str2 = (fn: (a: string, b: string) => RV): Fn => (i) => {
      const a = f(i);
      const b = g(i);
      return typeof a === 'string' && typeof b === 'string' ? fn(a, b) : missOf([a, b]);
    };
    let fn: Fn;
    switch (n.name) {
      case 'lower': fn = str((a) => a.toLowerCase()); break;
      case 'starts_with': fn = str2((a, b) => a.startsWith(b)); break;
      case 'ends_with': fn = str2((a, b) => a.endsWith(b)); break;
      case 'contains':
        if (isList(typeOf(n.args[0]))) {
          fn = (i) => {
            const a = f(i);
            const b = g(i);
            return a instanceof Miss || typeof b !== 'string' ? missOf([a, b]) : (a as readonly unknown[]).includes(b);
          };
        } else fn = str2((a, b) => a.includes(b));
        break;
      case 'len':
        fn = (i) => {
          const a = f(i);
          return a instanceof Miss ? a : (a as string | readonly unknown[]).length;
        };
        break;
      case 'abs':
        fn = (i) => {
          const a = f(i);
          return typeof a === 'number' ? Math.abs(a) : a;
        };
        break;
      default: { // min, max
        const fns = args.map((a) => a.fn);
        const pick = n.name === 'min' ? Math.min : Math.max;
        fn = fns.length === 2
          ? (i) => {
              const a = f(i);
              const b = g(i);
              return typeof a === 'number' && typeof b === 'number' ? pick(a, b) : missOf([a, b]);
            }
          : (i) => {
              const vs = fns.map((h) => h(i));
              return vs.every((v) => typeof v === 'number') ? pick(...(vs as number[])) : missOf(vs);
            };
      }
    }
    return op(n, args, fn);
  }

  const code = gen(root);
  return { fn: code.fn, refs: code.refs };
}
