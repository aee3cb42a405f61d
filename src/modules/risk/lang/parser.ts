/*
 * Tollgate rule language — parser.
 *
 * A rule is one boolean expression over the features of an event (a checkout, a card authorization, a
 * transfer). It is parsed here, type-checked against the feature schema (checker.ts), then turned into a
 * tree of closures (codegen.ts). Nothing is ever passed to eval/new Function.
 *
 *   velocity.card.count_1h > 5 and amount.usd < 2
 *   merchant.mcc in ["5921", "7995"] and amount.minor > 50000
 *   not is_missing(device.id) and velocity.device.count_24h >= 3
 *
 * Grammar (EBNF; lowest precedence first; whitespace = space, tab, CR, LF between tokens):
 *
 *   rule           = expr EOF ;
 *   expr           = or_expr ;
 *   or_expr        = and_expr { ( "or" | "||" ) and_expr } ;
 *   and_expr       = not_expr { ( "and" | "&&" ) not_expr } ;
 *   not_expr       = ( "not" | "!" ) not_expr
 *                  | comparison ;
 *   comparison     = additive [ ( "==" | "!=" | "<" | "<=" | ">" | ">=" ) additive
 *                             | [ "not" ] "in" additive ] ;             (* not chainable: a < b < c is an error *)
 *   additive       = multiplicative { ( "+" | "-" ) multiplicative } ;   (* left-associative *)
 *   multiplicative = unary { ( "*" | "/" ) unary } ;                     (* left-associative *)
 *   unary          = "-" unary
 *                  | primary ;
 *   primary        = NUMBER | STRING | "true" | "false"
 *                  | list
 *                  | call
 *                  | PATH
 *                  | "(" expr ")" ;
 *   list           = "[" [ literal { "," literal } [ "," ] ] "]" ;        (* at most 500 items *)
 *   literal        = [ "-" ] NUMBER | STRING | "true" | "false" ;
 *   call           = FUNCTION "(" [ expr { "," expr } ] ")" ;
 *
 *   PATH           = SEGMENT { "." SEGMENT } ;                          (* no spaces around the dots *)
 *   SEGMENT        = ( "a".."z" | "_" ) { "a".."z" | "0".."9" | "_" } ;  (* a keyword alone is not a path *)
 *   FUNCTION       = "is_missing" | "lower" | "starts_with" | "ends_with" | "contains"
 *                  | "len" | "abs" | "min" | "max" ;
 *   NUMBER         = DIGITS [ "." DIGITS ] ;   DIGITS = "0".."9" { "0".."9" } ;   (* integers must be < 2^53 *)
 *   STRING         = '"' { char | escape } '"' | "'" { char | escape } "'" ;  (* no raw line breaks *)
 *   escape         = "\\" ( "\\" | '"' | "'" | "n" | "t" | "r" | "0" | "u" HEX HEX HEX HEX ) ;
 *
 * Keywords: and or not in true false (lowercase only). `&&`, `||`, `!` are aliases of and, or, not, with
 * the same precedence (so `!a == b` is `!(a == b)`, unlike C).
 * Precedence, loosest to tightest: or < and < not < comparison/in < + - < * / < unary minus.
 * So `not a == b` is `not (a == b)`, `not x in L` is `x not in L`, and `-a * b` is `(-a) * b`.
 *
 * Types (checked against the schema: number, string, boolean, string[]; list literals may also hold
 * numbers or booleans, all items of one type):
 *   and or not            boolean operands
 *   == !=                 two operands of the same scalar type (lists: use in / len)
 *   < <= > >= + - * /     numbers; unary - on a number
 *   x in L, x not in L    L a list literal or string[] feature whose items have x's type
 *   is_missing(path)      boolean; the only thing that is never MISSING; the argument must be a feature
 *   lower(s)              string        len(s | list)        number
 *   starts_with(s, p)     boolean       abs(n)               number
 *   ends_with(s, p)       boolean       min(a, b, ...)       number (two or more numbers)
 *   contains(s, sub)      boolean       max(a, b, ...)       number
 *   contains(list, s)     boolean: list membership, like `s in list`
 * The whole rule must be a boolean.
 *
 * Limits (refused with a RuleCompileError): source ≤ 2,000 characters; nesting depth ≤ 32, where each
 * "(", "[", call and prefix operator (not, !, unary -) opens one level; list literals ≤ 500 items.
 *
 * Meaning (see codegen.ts): a feature absent from the input is MISSING; comparisons, arithmetic and
 * functions (except is_missing) of MISSING are MISSING; and/or/not use three-valued logic
 * (false and MISSING = false, true or MISSING = true, not MISSING = MISSING); a rule fires only when its
 * value is exactly true. Types (checker.ts) are checked at compile time against the schema.
 */
import { clip, failAt, locate } from './errors.ts';
import { tokenize, type Token } from './lexer.ts';
import { LIMITS } from './types.ts';

export type CmpOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type ArithOp = '+' | '-' | '*' | '/';

interface Span {
  /** Span of the whole node in the source (including its parentheses, if any). */
  pos: number;
  len: number;
}
/** Span of the operator or function name, for errors that are about it. */
interface OpSpan {
  opPos: number;
  opLen: number;
}

export type Literal =
  | ({ k: 'num'; value: number } & Span)
  | ({ k: 'str'; value: string } & Span)
  | ({ k: 'bool'; value: boolean } & Span);

export type Node =
  | Literal
  | ({ k: 'list'; items: Literal[] } & Span)
  | ({ k: 'path'; path: string } & Span)
  | ({ k: 'call'; name: string; args: Node[] } & Span & OpSpan)
  | ({ k: 'neg'; arg: Node } & Span & OpSpan)
  | ({ k: 'not'; arg: Node } & Span & OpSpan)
  | ({ k: 'and' | 'or'; args: Node[]; ops: OpSpan[] } & Span)
  | ({ k: 'cmp'; op: CmpOp; left: Node; right: Node } & Span & OpSpan)
  | ({ k: 'in'; negated: boolean; left: Node; right: Node } & Span & OpSpan)
  | ({ k: 'arith'; op: ArithOp; left: Node; right: Node } & Span & OpSpan);

const CMP_OPS = new Set<string>(['==', '!=', '<', '<=', '>', '>=']);

export function parse(src: string): Node {
  if (src.length > LIMITS.maxSourceLength) {
    failAt(src, LIMITS.maxSourceLength, src.length - LIMITS.maxSourceLength,
      `rule is ${src.length.toLocaleString('en-US')} characters long; the limit is ${LIMITS.maxSourceLength.toLocaleString('en-US')}`);
  }
  const toks = tokenize(src);
  let p = 0;
  let depth = 0;

  const peek = (): Token => toks[p];
  const next = (): Token => toks[p++];
  const is = (t: Token, kind: Token['kind'], text?: string) => t.kind === kind && (text === undefined || t.text === text);
  const end = (n: { pos: number; len: number }) => n.pos + n.len;
  const describe = (t: Token) => (t.kind === 'eof' ? 'end of rule' : `'${clip(t.text)}'`);
  const unexpected = (t: Token, expected: string): never => failAt(src, t.pos, t.len, `expected ${expected}, but found ${describe(t)}`);

  const enter = (t: Token) => {
    if (++depth > LIMITS.maxDepth) failAt(src, t.pos, t.len, `rule is nested too deeply (more than ${LIMITS.maxDepth} levels)`);
  };
  const leave = () => void depth--;

  function expr(): Node {
    return orExpr();
  }

  function chain(kind: 'and' | 'or', sub: () => Node, word: string, sym: string): Node {
    const first = sub();
    const t = peek();
    if (!(is(t, 'keyword', word) || is(t, 'op', sym))) return first;
    const args = [first];
    const ops: OpSpan[] = [];
    while (is(peek(), 'keyword', word) || is(peek(), 'op', sym)) {
      const op = next();
      ops.push({ opPos: op.pos, opLen: op.len });
      args.push(sub());
    }
    const last = args[args.length - 1];
    return { k: kind, args, ops, pos: first.pos, len: end(last) - first.pos };
  }

  function orExpr(): Node {
    return chain('or', andExpr, 'or', '||');
  }

  function andExpr(): Node {
    return chain('and', notExpr, 'and', '&&');
  }

  function notExpr(): Node {
    const t = peek();
    if (is(t, 'keyword', 'not') || is(t, 'op', '!')) {
      next();
      enter(t);
      const arg = notExpr();
      leave();
      return { k: 'not', arg, pos: t.pos, len: end(arg) - t.pos, opPos: t.pos, opLen: t.len };
    }
    return comparison();
  }

  function comparison(): Node {
    const left = additive();
    const t = peek();
    let node: Node;
    if (t.kind === 'op' && CMP_OPS.has(t.text)) {
      next();
      const right = additive();
      node = { k: 'cmp', op: t.text as CmpOp, left, right, pos: left.pos, len: end(right) - left.pos, opPos: t.pos, opLen: t.len };
    } else if (is(t, 'keyword', 'in')) {
      next();
      const right = additive();
      node = { k: 'in', negated: false, left, right, pos: left.pos, len: end(right) - left.pos, opPos: t.pos, opLen: t.len };
    } else if (is(t, 'keyword', 'not')) {
      const t2 = toks[p + 1];
      if (!is(t2, 'keyword', 'in')) failAt(src, t.pos, t.len, `unexpected 'not' after a value: did you mean 'not in'?`);
      p += 2;
      const right = additive();
      node = { k: 'in', negated: true, left, right, pos: left.pos, len: end(right) - left.pos, opPos: t.pos, opLen: end(t2) - t.pos };
    } else {
      return left;
    }
    const after = peek();
    if ((after.kind === 'op' && CMP_OPS.has(after.text)) || is(after, 'keyword', 'in') || (is(after, 'keyword', 'not') && is(toks[p + 1], 'keyword', 'in'))) {
      failAt(src, after.pos, after.len, `comparisons cannot be chained: combine them with 'and', e.g. a < b and b < c`);
    }
    return node;
  }

  function arithChain(sub: () => Node, ops: readonly string[]): Node {
    let left = sub();
    while (peek().kind === 'op' && ops.includes(peek().text)) {
      const op = next();
      const right = sub();
      left = { k: 'arith', op: op.text as ArithOp, left, right, pos: left.pos, len: end(right) - left.pos, opPos: op.pos, opLen: op.len };
    }
    return left;
  }

  function additive(): Node {
    return arithChain(multiplicative, ['+', '-']);
  }

  function multiplicative(): Node {
    return arithChain(unary, ['*', '/']);
  }

  function unary(): Node {
    const t = peek();
    if (is(t, 'op', '-')) {
      next();
      enter(t);
      const arg = unary();
      leave();
      return { k: 'neg', arg, pos: t.pos, len: end(arg) - t.pos, opPos: t.pos, opLen: t.len };
    }
    if (is(t, 'keyword', 'not') || is(t, 'op', '!')) {
      failAt(src, t.pos, t.len, `'${t.text}' cannot be used here: put the negated part in parentheses, e.g. a == (not b)`);
    }
    return primary();
  }

  function literal(): Literal | undefined {
    const t = peek();
    if (t.kind === 'number') {
      next();
      return { k: 'num', value: t.value as number, pos: t.pos, len: t.len };
    }
    if (t.kind === 'string') {
      next();
      return { k: 'str', value: t.value as string, pos: t.pos, len: t.len };
    }
    if (is(t, 'keyword', 'true') || is(t, 'keyword', 'false')) {
      next();
      return { k: 'bool', value: t.text === 'true', pos: t.pos, len: t.len };
    }
    return undefined;
  }

  function primary(): Node {
    const lit = literal();
    if (lit) return lit;
    const t = peek();
    if (is(t, 'op', '(')) {
      next();
      enter(t);
      const inner = expr();
      const close = peek();
      if (!is(close, 'op', ')')) unexpected(close, `')' to close the '(' at line ${lineCol(t.pos)}`);
      next();
      leave();
      return { ...inner, pos: t.pos, len: end(close) - t.pos };
    }
    if (is(t, 'op', '[')) return list();
    if (t.kind === 'path') {
      next();
      if (is(peek(), 'op', '(')) return call(t);
      return { k: 'path', path: t.text, pos: t.pos, len: t.len };
    }
    if (t.kind === 'keyword' && (t.text === 'and' || t.text === 'or' || t.text === 'in')) {
      failAt(src, t.pos, t.len, `expected a value before '${t.text}'`);
    }
    return unexpected(t, 'a value (a feature, number, string, true/false, list, function call or parenthesis)');
  }

  function list(): Node {
    const open = next();
    enter(open);
    const items: Literal[] = [];
    while (!is(peek(), 'op', ']')) {
      const t = peek();
      if (items.length === LIMITS.maxListItems) {
        failAt(src, t.pos, t.len, `list has more than ${LIMITS.maxListItems} items`);
      }
      let item: Literal | undefined;
      if (is(t, 'op', '-') && toks[p + 1].kind === 'number') {
        next();
        const num = next();
        item = { k: 'num', value: -(num.value as number), pos: t.pos, len: end(num) - t.pos };
      } else {
        item = literal();
      }
      if (!item) {
        if (t.kind === 'eof') unexpected(t, `']' to close the '[' at line ${lineCol(open.pos)}`);
        failAt(src, t.pos, t.len, `list items must be literals (numbers, strings, true or false), found ${describe(t)}`);
      }
      items.push(item);
      const sep = peek();
      if (is(sep, 'op', ',')) {
        next();
        continue;
      }
      if (!is(sep, 'op', ']')) unexpected(sep, `',' or ']' in the list opened at line ${lineCol(open.pos)}`);
    }
    const close = next();
    leave();
    return { k: 'list', items, pos: open.pos, len: end(close) - open.pos };
  }

  function call(name: Token): Node {
    const open = next();
    enter(open);
    const args: Node[] = [];
    if (!is(peek(), 'op', ')')) {
      for (;;) {
        args.push(expr());
        const sep = peek();
        if (is(sep, 'op', ',')) {
          next();
          continue;
        }
        if (is(sep, 'op', ')')) break;
        unexpected(sep, `',' or ')' in the call to ${name.text}()`);
      }
    }
    const close = next();
    leave();
    return { k: 'call', name: name.text, args, pos: name.pos, len: end(close) - name.pos, opPos: name.pos, opLen: name.len };
  }

  const lineCol = (pos: number) => {
    const { line, column } = locate(src, pos);
    return `${line}, column ${column}`;
  };

  const t0 = peek();
  if (t0.kind === 'eof') failAt(src, 0, 0, 'rule is empty');
  const root = expr();
  const rest = peek();
  if (rest.kind !== 'eof') {
    if (is(rest, 'op', ')')) failAt(src, rest.pos, rest.len, `unmatched ')'`);
    if (rest.kind === 'path' || rest.kind === 'number' || rest.kind === 'string' || is(rest, 'keyword', 'true') || is(rest, 'keyword', 'false') || is(rest, 'op', '(')) {
      failAt(src, rest.pos, rest.len, `expected an operator (and, or, ==, <, in, +, ...) before ${describe(rest)}`);
    }
    unexpected(rest, 'end of rule');
  }
  return root;
}
