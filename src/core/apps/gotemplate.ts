import { stringify } from 'yaml';

/**
 * The part of Go's text/template (with the sprig functions ApplicationSets use most) that
 * Argo CD evaluates over every string of a template with `goTemplate: true`: fields
 * (`.path.basename`, `.values.x`, `index .m "k"`), pipelines (`.name | upper | quote`),
 * function calls, `if`/`with`/`range` with `else`, variables, `define`/`template`/`block`.
 * Anything else raises an error that discovery reports, so an app is never built from a
 * half-evaluated template.
 */
export class TemplateError extends Error {}

type Value = unknown;
type Fn = (...args: Value[]) => Value;

const sanitize = (s: string) => s.toLowerCase().replace(/[^-a-z0-9.]/g, '-').slice(0, 253).replace(/^[-.]+|[-.]+$/g, '');
const str = (v: Value): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));
const empty = (v: Value) => v === undefined || v === null || v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);

/** Argo CD's sprig map minus env/expandenv/getHostByName, plus normalize/slugify/toYaml. */
const FUNCS: Record<string, Fn> = {
  lower: (s) => str(s).toLowerCase(), upper: (s) => str(s).toUpperCase(), title: (s) => str(s).replace(/\b\w/g, (c) => c.toUpperCase()),
  trim: (s) => str(s).trim(), trimPrefix: (p, s) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)),
  trimSuffix: (p, s) => (str(s).endsWith(str(p)) && str(p) ? str(s).slice(0, -str(p).length) : str(s)),
  trunc: (n, s) => (Number(n) >= 0 ? str(s).slice(0, Number(n)) : str(s).slice(Number(n))),
  replace: (a, b, s) => str(s).split(str(a)).join(str(b)), quote: (...a) => a.map((x) => JSON.stringify(str(x))).join(' '), squote: (...a) => a.map((x) => `'${str(x)}'`).join(' '),
  default: (d: Value, v: Value) => (empty(v) ? d : v), coalesce: (...a) => a.find((x) => !empty(x)), ternary: (a, b, c) => (c ? a : b), empty: (v) => empty(v),
  hasPrefix: (p, s) => str(s).startsWith(str(p)), hasSuffix: (p, s) => str(s).endsWith(str(p)), contains: (p, s) => str(s).includes(str(p)),
  join: (sep, l) => (Array.isArray(l) ? l.map(str).join(str(sep)) : str(l)), splitList: (sep, s) => str(s).split(str(sep)), list: (...a) => a,
  dict: (...a) => Object.fromEntries(Array.from({ length: Math.floor(a.length / 2) }, (_, i) => [str(a[2 * i]), a[2 * i + 1]])),
  get: (m, k) => (m && typeof m === 'object' ? (m as Record<string, Value>)[str(k)] ?? '' : ''),
  index: (m, ...keys) => keys.reduce<Value>((v, k) => (v && typeof v === 'object' ? (v as Record<string, Value>)[typeof k === 'number' ? k : str(k)] : undefined), m),
  toJson: (v) => JSON.stringify(v), toYaml: (v) => stringify(v).replace(/\n$/, ''), b64enc: (s) => Buffer.from(str(s)).toString('base64'), b64dec: (s) => Buffer.from(str(s), 'base64').toString('utf8'),
  normalize: (s) => sanitize(str(s)), slugify: (...a) => sanitize(str(a[a.length - 1])).replace(/\./g, '-'),
  eq: (a, ...b) => b.some((x) => x === a), ne: (a, b) => a !== b, not: (a) => empty(a), and: (...a) => a.find((x) => empty(x)) ?? a[a.length - 1], or: (...a) => a.find((x) => !empty(x)) ?? a[a.length - 1],
  len: (v) => (typeof v === 'string' || Array.isArray(v) ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0),
  printf: (f, ...a) => { let i = 0; return str(f).replace(/%[sdvq%]/g, (m) => (m === '%%' ? '%' : m === '%q' ? JSON.stringify(str(a[i++])) : str(a[i++]))); },
  print: (...a) => a.map(str).join(''), toString: (v: Value) => str(v), int: (v) => parseInt(str(v), 10) || 0, add: (...a) => a.reduce<number>((x, y) => x + Number(y), 0),
};

/** Go's `{{- ` / ` -}}` trimming, then the text split into literal text and actions. */
function tokenize(t: string): { text?: string; action?: string }[] {
  const out: { text?: string; action?: string }[] = [];
  const re = /\{\{(-\s)?([\s\S]*?)(\s-)?\}\}/g;
  let last = 0;
  for (let m; (m = re.exec(t)); ) {
    let text = t.slice(last, m.index);
    if (m[1]) text = text.replace(/\s+$/, '');
    if (text) out.push({ text });
    out.push({ action: m[2].trim() });
    last = re.lastIndex;
    if (m[3]) while (last < t.length && /\s/.test(t[last])) last++;
  }
  if (last < t.length) out.push({ text: t.slice(last) });
  return out;
}

/** Splits an action into words: strings, parenthesized groups, pipes, fields, literals. */
function words(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '"' || c === '`') {
      let j = i + 1;
      while (j < s.length && s[j] !== c) j += s[j] === '\\' && c === '"' ? 2 : 1;
      out.push(s.slice(i, j + 1));
      i = j + 1;
    } else if (c === '(') {
      let depth = 0;
      let j = i;
      for (; j < s.length; j++) {
        if (s[j] === '(') depth++;
        else if (s[j] === ')' && --depth === 0) break;
      }
      out.push(s.slice(i, j + 1));
      i = j + 1;
    } else if (c === '|') { out.push('|'); i++; }
    else {
      let j = i;
      while (j < s.length && !/[\s|()]/.test(s[j])) j++;
      out.push(s.slice(i, j));
      i = j;
    }
  }
  return out;
}

interface Scope { dot: Value; root: Value; vars: Record<string, Value>; missingKeyError: boolean }

function field(base: Value, path: string, sc: Scope, whole: string): Value {
  let v = base;
  for (const k of path.split('.').filter(Boolean)) {
    if (v === null || typeof v !== 'object' || !(k in (v as object))) {
      if (sc.missingKeyError || (v !== null && v !== undefined && typeof v !== 'object')) throw new TemplateError(`map has no entry for key "${k}" in ${whole}`);
      return undefined;
    }
    v = (v as Record<string, Value>)[k];
  }
  return v;
}

function operand(w: string, sc: Scope): Value {
  if (w.startsWith('"')) return JSON.parse(w);
  if (w.startsWith('`')) return w.slice(1, -1);
  if (w.startsWith('(')) return pipeline(w.slice(1, -1), sc);
  if (/^-?\d+(\.\d+)?$/.test(w)) return Number(w);
  if (w === 'true' || w === 'false') return w === 'true';
  if (w === 'nil') return null;
  if (w === '.') return sc.dot;
  if (w.startsWith('.')) return field(sc.dot, w, sc, w);
  if (w.startsWith('$')) {
    const [name, ...rest] = w.split('.');
    const base = name === '$' ? sc.root : sc.vars[name];
    if (!(name === '$' || name in sc.vars)) throw new TemplateError(`undefined variable ${name}`);
    return field(base, rest.join('.'), sc, w);
  }
  throw new TemplateError(`"${w}" is not a value`);
}

function command(ws: string[], sc: Scope, piped: Value[]): Value {
  const [head, ...rest] = ws;
  const fn = Object.hasOwn(FUNCS, head) ? FUNCS[head] : undefined;
  if (fn) return fn(...rest.map((w) => operand(w, sc)), ...piped);
  if (/^[a-zA-Z]\w*$/.test(head) && !['true', 'false', 'nil'].includes(head)) throw new TemplateError(`function "${head}" is not evaluated offline`);
  if (rest.length || piped.length) throw new TemplateError(`${head} is not a function`);
  return operand(head, sc);
}

function pipeline(s: string, sc: Scope): Value {
  const ws = words(s);
  let v: Value;
  let started = false;
  let cur: string[] = [];
  const flush = () => {
    v = command(cur, sc, started ? [v] : []);
    started = true;
    cur = [];
  };
  for (const w of ws) {
    if (w === '|') flush();
    else cur.push(w);
  }
  if (cur.length) flush();
  return v;
}

/** Go's fmt of a value printed by an action: maps and lists the way Go prints them. */
function print(v: Value): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(print).join(' ')}]`;
  if (typeof v === 'object') return `map[${Object.keys(v as object).sort().map((k) => `${k}:${print((v as Record<string, Value>)[k])}`).join(' ')}]`;
  return String(v);
}

/** Variables of the blocks around an action: a block's own ones shadow, `=` assigns where declared. */
function childScope(sc: Scope, dot: Value = sc.dot): Scope {
  return { ...sc, dot, vars: Object.create(sc.vars) as Record<string, Value> };
}

function assignVar(sc: Scope, name: string, v: Value): void {
  let o: Record<string, Value> | null = sc.vars;
  while (o && !Object.hasOwn(o, name)) o = Object.getPrototypeOf(o) as Record<string, Value> | null;
  if (!o) throw new TemplateError(`undefined variable ${name}`);
  o[name] = v;
}

/** What `range` iterates: a list (index, element), a map (key, value by sorted key), an integer n (0…n-1). */
function rangeItems(v: Value, what: string): [Value, Value][] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map((x, i) => [i, x]);
  if (typeof v === 'number' && Number.isInteger(v)) return Array.from({ length: Math.max(0, v) }, (_, i) => [i, i]);
  if (typeof v === 'object') return Object.keys(v).sort().map((k) => [k, (v as Record<string, Value>)[k]]);
  throw new TemplateError(`range can't iterate over ${print(v)} (${what})`);
}

const KEYWORD = /^(if|else if|else with|else|end|with|range|define|template|block|break|continue)\b/;

/**
 * Executes a template over `data`, as Argo's Replace does with goTemplate (options:
 * `missingkey=error`): actions, pipelines, if/with/range (with `$i, $v :=` and else),
 * variables scoped to their block, define/template/block. `break`/`continue` are reported.
 */
export function executeGoTemplate(template: string, data: Value, options: string[] = []): string {
  if (!template.includes('{{')) return template;
  const toks = tokenize(template);
  const sc: Scope = { dot: data, root: data, vars: { $: data }, missingKeyError: options.includes('missingkey=error') };
  // Named templates are known before execution starts, wherever they are defined (a later definition wins).
  const named = new Map<string, number>();
  toks.forEach((t, i) => {
    const m = t.action !== undefined ? /^(?:define|block)\s+("(?:[^"\\]|\\.)*"|`[^`]*`)/.exec(t.action) : null;
    if (m) named.set(m[1].startsWith('"') ? (JSON.parse(m[1]) as string) : m[1].slice(1, -1), i + 1);
  });
  let pos = 0;
  let depth = 0;
  const callTemplate = (name: string, dot: Value): string => {
    const start = named.get(name);
    if (start === undefined) throw new TemplateError(`no such template "${name}"`);
    if (++depth > 100) throw new TemplateError(`template "${name}" calls itself too deeply`);
    const saved = pos;
    pos = start;
    try {
      return block(true, { ...sc, dot, root: dot, vars: { $: dot } }, ['end']).out;
    } finally {
      pos = saved;
      depth--;
    }
  };
  // Runs tokens until one of `stops` (an action word) and returns that word.
  function block(emit: boolean, scope: Scope, stops: string[]): { out: string; stop?: string; rest?: string } {
    let out = '';
    while (pos < toks.length) {
      const t = toks[pos++];
      if (t.text !== undefined) {
        if (emit) out += t.text;
        continue;
      }
      const a = t.action!;
      if (a.startsWith('/*')) continue;
      const kw = KEYWORD.exec(a)?.[1];
      if (kw && stops.includes(kw)) return { out, stop: kw, rest: a.slice(kw.length).trim() };
      if (kw === 'if' || kw === 'with') {
        let taken = false;
        let withKw = kw === 'with';
        let cond: Value = emit ? pipeline(a.slice(kw.length), scope) : undefined;
        for (;;) {
          const run = emit && !taken && !empty(cond);
          const r = block(run, childScope(scope, withKw && run ? cond : scope.dot), ['else if', 'else with', 'else', 'end']);
          if (run) { out += r.out; taken = true; }
          if (r.stop === 'end') break;
          if (r.stop === undefined) throw new TemplateError(`unclosed {{${kw}}}`);
          withKw = r.stop === 'else with';
          cond = r.stop === 'else' ? true : emit && !taken ? pipeline(r.rest!, scope) : undefined;
        }
        continue;
      }
      if (kw === 'range') {
        const decl = /^(\$\w+)\s*(?:,\s*(\$\w+)\s*)?:=\s*([\s\S]+)$/.exec(a.slice(5).trim());
        const bodyStart = pos;
        // Find the else and the end first: the body runs once per item.
        const body = block(false, scope, ['else', 'end']);
        let elseStart: number | undefined;
        if (body.stop === 'else') {
          elseStart = pos;
          if (block(false, scope, ['end']).stop !== 'end') throw new TemplateError('unclosed {{range}}');
        } else if (body.stop !== 'end') throw new TemplateError('unclosed {{range}}');
        const endPos = pos;
        if (emit) {
          const items = rangeItems(pipeline(decl ? decl[3] : a.slice(5), scope), a);
          for (const [k, v] of items) {
            pos = bodyStart;
            const inner = childScope(scope, v);
            if (decl && decl[2]) { inner.vars[decl[1]] = k; inner.vars[decl[2]] = v; } else if (decl) inner.vars[decl[1]] = v;
            out += block(true, inner, ['else', 'end']).out;
          }
          if (items.length === 0 && elseStart !== undefined) {
            pos = elseStart;
            out += block(true, childScope(scope), ['end']).out;
          }
        }
        pos = endPos;
        continue;
      }
      if (kw === 'define') {
        if (block(false, scope, ['end']).stop !== 'end') throw new TemplateError('unclosed {{define}}');
        continue;
      }
      if (kw === 'template' || kw === 'block') {
        const m = /^(?:template|block)\s+("(?:[^"\\]|\\.)*"|`[^`]*`)\s*([\s\S]*)$/.exec(a);
        if (!m) throw new TemplateError(`{{${a}}}: a template name in quotes is needed`);
        if (kw === 'block' && block(false, scope, ['end']).stop !== 'end') throw new TemplateError('unclosed {{block}}');
        if (emit) out += callTemplate(m[1].startsWith('"') ? (JSON.parse(m[1]) as string) : m[1].slice(1, -1), m[2].trim() ? pipeline(m[2], scope) : kw === 'block' ? scope.dot : undefined);
        continue;
      }
      if (kw === 'end' || kw?.startsWith('else')) throw new TemplateError(`unexpected {{${kw}}}`);
      if (kw) throw new TemplateError(`{{${kw}}} is not evaluated offline`);
      if (!emit) continue;
      const assign = /^(\$\w+)\s*(:?=)\s*([\s\S]+)$/.exec(a);
      if (assign) {
        const v = pipeline(assign[3], scope);
        if (assign[2] === ':=') scope.vars[assign[1]] = v;
        else assignVar(scope, assign[1], v);
        continue;
      }
      out += print(pipeline(a, scope));
    }
    return { out };
  }
  return block(true, sc, []).out;
}
