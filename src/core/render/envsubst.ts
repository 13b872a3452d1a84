/**
 * A port of `github.com/fluxcd/pkg/envsubst` (Flux's fork of drone/envsubst), the library
 * kustomize-controller runs for post-build substitution. Ported scanner by scanner so the
 * odd corners behave as in Flux, not as in bash:
 *  - `${A:-${B}}` nests; the default is everything up to the matching `}`;
 *  - every default form (`-`, `=`, `:-`, `:=`, `?`, `+`, …) means "the value, or the
 *    default when the value is empty" (drone's toDefault), so `${A-x}` with A="" gives x;
 *  - `$${A}` is a literal `${A}`; `\\` and `\/` are escapes inside `${…}` only;
 *  - casing (`^ ^^ , ,,`), length `${#A}`, substrings `${A:1:2}`, trims `# ## % %%`,
 *    replacements `/ // /# /%`.
 * Errors are those of the Go parser ("bad substitution", "missing closing brace", …).
 */

type Node = { text: string } | { param: string; name: string; args: Node[] } | { list: Node[] };

export class EnvsubstError extends Error {}

const SCAN_IDENT = 1;
const SCAN_LBRACK = 2;
const SCAN_RBRACK = 4;
const SCAN_ESCAPE = 8;
const DOLLAR = 1;
const BACKSLASH = 2;
const EOF = '';

type Token = 'illegal' | 'eof' | 'ident' | 'lbrack' | 'rbrack';
type Accept = (r: string, i: number) => boolean;

/** drone's scanner over code points; `skip` drops the character before the cursor (an escape). */
class Scanner {
  buf: string[] = [];
  pos = 0;
  start = 0;
  mode = 0;
  escapeChars = 0;
  accept: Accept = () => true;

  init(text: string): void {
    this.buf = Array.from(text);
    this.pos = 0;
    this.start = 0;
  }
  /** Go's width: 0 after reading EOF, so an unread after EOF stays put. */
  private width = 0;
  read(): string {
    if (this.pos >= this.buf.length) {
      this.width = 0;
      return EOF;
    }
    this.width = 1;
    return this.buf[this.pos++];
  }
  unread(): void {
    this.pos -= this.width;
  }
  /** Drops the escape character before the cursor; the cursor stays, past the escaped one. */
  skip(): void {
    this.buf.splice(this.pos - 1, 1);
  }
  peek(): string {
    const r = this.read();
    this.unread();
    return r;
  }
  string(): string {
    return this.buf.slice(this.start, this.pos).join('');
  }
  scan(): Token {
    this.start = this.pos;
    const r = this.read();
    if (r === EOF) return 'eof';
    if (this.scanLbrack(r)) return 'lbrack';
    if (this.scanRbrack(r)) return 'rbrack';
    if (this.scanIdent(r)) return 'ident';
    return 'illegal';
  }
  private scanIdent(r: string): boolean {
    if (!(this.mode & SCAN_IDENT)) return false;
    if (this.scanEscaped(r)) this.skip();
    else if (!this.accept(r, this.pos - this.start)) return false;
    for (;;) {
      const c = this.read();
      if (c === EOF) {
        this.unread();
        break;
      }
      if (this.scanLbrack(c)) {
        this.unread();
        this.unread();
        break;
      }
      if (this.scanEscaped(c)) {
        this.skip();
        continue;
      }
      if (!this.accept(c, this.pos - this.start)) {
        this.unread();
        break;
      }
    }
    return true;
  }
  private scanLbrack(r: string): boolean {
    if (!(this.mode & SCAN_LBRACK)) return false;
    if (r === '$') {
      if (this.read() === '{') return true;
      this.unread();
    }
    return false;
  }
  private scanRbrack(r: string): boolean {
    return (this.mode & SCAN_RBRACK) !== 0 && r === '}';
  }
  private scanEscaped(r: string): boolean {
    if (!(this.mode & SCAN_ESCAPE)) return false;
    if (r === '$' && this.escapeChars & DOLLAR && this.peek() === '$') return true;
    if (r === '\\' && this.escapeChars & BACKSLASH) {
      const p = this.peek();
      return p === '/' || p === '\\';
    }
    return false;
  }
}

const isIdentRune = (r: string) => /^[\p{L}\p{Nd}_]$/u.test(r);
const acceptRune: Accept = () => true;
const acceptIdent: Accept = (r) => isIdentRune(r);
const acceptColon: Accept = (r) => r === ':';
const acceptOneHash: Accept = (r, i) => r === '#' && i === 1;
const acceptNotClosing: Accept = (r) => r !== '}';
const acceptHashFunc: Accept = (r, i) => r === '#' && i < 3;
const acceptPercentFunc: Accept = (r, i) => r === '%' && i < 3;
const acceptDefaultFunc: Accept = (r, i) => (i === 1 && r === ':') || (i === 2 && '=-?+'.includes(r));
const acceptReplaceFunc: Accept = (r, i) => (i === 1 && r === '/') || (i === 2 && '/#%'.includes(r));
const acceptOneEqual: Accept = (r, i) => i === 1 && r === '=';
const acceptOneColon: Accept = (r, i) => i === 1 && r === ':';
const rejectColonClose: Accept = (r) => r !== ':' && r !== '}';
const acceptSlash: Accept = (r) => r === '/';
const acceptNotSlash: Accept = (r) => r !== '/';
const acceptCasingFunc: Accept = (r, i) => (r === ',' || r === '^') && i < 3;

const EMPTY: Node = { text: '' };

class Parser {
  private readonly s = new Scanner();

  parse(text: string): Node {
    this.s.init(text);
    return this.parseAny();
  }

  private parseAny(): Node {
    const s = this.s;
    s.accept = acceptRune;
    s.mode = SCAN_IDENT | SCAN_LBRACK | SCAN_ESCAPE;
    s.escapeChars = DOLLAR;
    const tok = s.scan();
    if (tok === 'eof') return EMPTY;
    let left: Node;
    if (tok === 'ident') left = { text: s.string() };
    else if (tok === 'lbrack') left = this.parseFunc();
    else throw new EnvsubstError('bad substitution');
    const right = this.parseAny();
    return right === EMPTY ? left : { list: [left, right] };
  }

  private parseFunc(): Node {
    const s = this.s;
    s.escapeChars = DOLLAR | BACKSLASH;
    if (s.peek() === '#') return this.parseLenFunc();
    s.accept = acceptIdent;
    s.mode = SCAN_IDENT;
    if (s.scan() !== 'ident') throw new EnvsubstError('unable to parse variable name');
    const name = s.string();
    switch (s.peek()) {
      case ':': return this.parseDefaultOrSubstr(name);
      case '=': return this.parseDefaultFunc(name);
      case ',': case '^': return this.parseCasingFunc(name);
      case '/': return this.parseReplaceFunc(name);
      case '#': return this.parseRemoveFunc(name, acceptHashFunc);
      case '%': return this.parseRemoveFunc(name, acceptPercentFunc);
    }
    s.accept = acceptIdent;
    s.mode = SCAN_RBRACK;
    if (s.scan() !== 'rbrack') throw new EnvsubstError('missing closing brace');
    return { param: name, name: '', args: [] };
  }

  private parseParam(accept: Accept, mode: number): Node {
    const s = this.s;
    s.accept = accept;
    s.mode = mode | SCAN_LBRACK;
    const tok = s.scan();
    if (tok === 'lbrack') return this.parseFunc();
    if (tok === 'ident' || tok === 'rbrack') return { text: s.string() };
    throw new EnvsubstError('unable to parse substitution within function');
  }

  private parseDefaultOrSubstr(name: string): Node {
    const s = this.s;
    s.read();
    const r = s.peek();
    s.unread();
    return '=-?+'.includes(r) && r !== EOF ? this.parseDefaultFunc(name) : this.parseSubstrFunc(name);
  }

  private scanOperator(accept: Accept, error = 'bad substitution'): string {
    const s = this.s;
    s.accept = accept;
    s.mode = SCAN_IDENT;
    if (s.scan() !== 'ident') throw new EnvsubstError(error);
    return s.string();
  }

  private parseSubstrFunc(param: string): Node {
    const s = this.s;
    const node = { param, name: this.scanOperator(acceptOneColon), args: [] as Node[] };
    node.args.push(this.parseParam(rejectColonClose, SCAN_IDENT));
    s.accept = acceptColon;
    s.mode = SCAN_IDENT | SCAN_RBRACK;
    const tok = s.scan();
    if (tok === 'rbrack') return node;
    if (tok !== 'ident') throw new EnvsubstError('bad substitution');
    node.args.push(this.parseParam(acceptNotClosing, SCAN_IDENT));
    this.consumeRbrack();
    return node;
  }

  private parseRemoveFunc(param: string, accept: Accept): Node {
    const node = { param, name: this.scanOperator(accept), args: [] as Node[] };
    node.args.push(this.parseParam(acceptNotClosing, SCAN_IDENT));
    this.consumeRbrack();
    return node;
  }

  private parseReplaceFunc(param: string): Node {
    const s = this.s;
    const node = { param, name: this.scanOperator(acceptReplaceFunc), args: [] as Node[] };
    node.args.push(this.parseParam(acceptNotSlash, SCAN_IDENT | SCAN_ESCAPE));
    this.scanOperator(acceptSlash);
    if (s.peek() === '}') {
      this.consumeRbrack();
      return node;
    }
    node.args.push(this.parseParam(acceptNotClosing, SCAN_IDENT | SCAN_ESCAPE));
    this.consumeRbrack();
    return node;
  }

  private parseDefaultFunc(param: string): Node {
    const s = this.s;
    const name = this.scanOperator(s.peek() === '=' ? acceptOneEqual : acceptDefaultFunc, 'unable to parse default function');
    const node = { param, name, args: [] as Node[] };
    for (;;) {
      if (s.peek() === '}') {
        this.consumeRbrack();
        return node;
      }
      node.args.push(this.parseParam(acceptNotClosing, SCAN_IDENT));
    }
  }

  private parseCasingFunc(param: string): Node {
    const node = { param, name: this.scanOperator(acceptCasingFunc), args: [] };
    this.consumeRbrack();
    return node;
  }

  private parseLenFunc(): Node {
    const name = this.scanOperator(acceptOneHash);
    const param = this.scanOperator(acceptIdent);
    this.consumeRbrack();
    return { param, name, args: [] };
  }

  private consumeRbrack(): void {
    this.s.mode = SCAN_RBRACK;
    if (this.s.scan() !== 'rbrack') throw new EnvsubstError('bad substitution');
  }
}

/** Shell-style glob match as Go's path.Match (`*`, `?`, `[...]`, `\` escapes). */
function globMatch(pattern: string, name: string): boolean | undefined {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\') {
      if (i + 1 >= pattern.length) return undefined;
      re += escapeRe(pattern[++i]);
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) return undefined;
      let body = pattern.slice(i + 1, end);
      if (body.startsWith('^')) body = '^' + body.slice(1).replace(/[\]\\]/g, '\\$&');
      else body = body.replace(/[\]\\]/g, '\\$&');
      re += `[${body}]`;
      i = end;
    } else re += escapeRe(c);
  }
  try {
    return new RegExp(`^${re}$`, 'su').test(name);
  } catch {
    return undefined;
  }
}
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function trimShortest(s: string, arg: string): string {
  let shortest = '';
  for (let i = 0; i < s.length; i++) {
    const m = globMatch(arg, s.slice(0, s.length - i));
    if (m === undefined) return s;
    if (m) shortest = s.slice(0, s.length - i);
  }
  return shortest ? s.slice(shortest.length) : s;
}
function trimLongest(s: string, arg: string): string {
  for (let i = 0; i < s.length; i++) {
    const m = globMatch(arg, s.slice(0, s.length - i));
    if (m === undefined) return s;
    if (m) return s.slice(s.length - i);
  }
  return s;
}
const reverse = (s: string) => Array.from(s).reverse().join('');
const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');

function toSubstr(s: string, args: string[]): string {
  const num = (x: string) => (/^[+-]?\d+$/.test(x.trim() === x ? x : '') ? parseInt(x, 10) : NaN);
  let pos = num(args[0] ?? '');
  if (Number.isNaN(pos)) return s;
  if (pos < 0) pos = Math.max(0, s.length + pos);
  if (args.length === 1) return pos < s.length ? s.slice(pos) : '';
  const len = num(args[1]);
  if (Number.isNaN(len)) return s;
  if (pos + len >= s.length) return pos < s.length ? s.slice(pos) : '';
  return s.slice(pos, pos + len);
}

function applyFunc(name: string, v: string, args: string[]): string {
  switch (name) {
    case ',': return v ? v[0].toLowerCase() + v.slice(1) : v;
    case ',,': return v.toLowerCase();
    case '^': return v ? v[0].toUpperCase() + v.slice(1) : v;
    case '^^': return v.toUpperCase();
    case '#': return args.length === 0 ? String(byteLength(v)) : trimShortest(v, args[0]);
    case '##': return args.length ? trimLongest(v, args[0]) : v;
    case '%': return args.length ? reverse(trimShortest(reverse(v), reverse(args[0]))) : v;
    case '%%': return args.length ? reverse(trimLongest(reverse(v), reverse(args[0]))) : v;
    case ':': return toSubstr(v, args);
    case '/#': return args.length === 2 && v.startsWith(args[0]) ? args[1] + v.slice(args[0].length) : v;
    case '/%': return args.length === 2 && v.endsWith(args[0]) ? v.slice(0, v.length - args[0].length) + args[1] : v;
    case '/': return args.length === 0 ? v : v.replace(args[0], () => args[1] ?? '');
    case '//': return args.length === 0 ? v : v.split(args[0]).join(args[1] ?? '');
    default: return v.length === 0 && args.length > 0 ? args.join('') : v; // every default form
  }
}

const DEFAULT_OPS = new Set(['-', '+', '=', '?', ':-', ':+', ':=', ':?']);

/**
 * Evaluates `text` with `lookup` (value and whether it is set). Flux's non-strict mode treats
 * every variable as set (unset means empty); strict mode fails on an unset one without default.
 */
export function envsubst(text: string, lookup: (name: string) => { value: string; exists: boolean }): string {
  const root = new Parser().parse(text);
  const out: string[] = [];
  const evalNode = (n: Node, into: string[]): void => {
    if ('text' in n) into.push(n.text);
    else if ('list' in n) n.list.forEach((x) => evalNode(x, into));
    else {
      const args = n.args.map((a) => {
        const buf: string[] = [];
        evalNode(a, buf);
        return buf.join('');
      });
      const { value, exists } = lookup(n.param);
      if (!exists && !DEFAULT_OPS.has(n.name)) throw new EnvsubstError(`variable not set (strict mode): "${n.param}"`);
      into.push(applyFunc(n.name, value, args));
    }
  };
  evalNode(root, out);
  return out.join('');
}
