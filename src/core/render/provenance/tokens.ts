/**
 * Tokens stand in for values during a trace: each candidate place gets a unique token of its
 * value's kind (a number for a number, digits for a numeric string, letters otherwise), the
 * real tool renders the files with the tokens, and whatever token lands in a field names the
 * place its value comes from. Rendered output is read back by replacing each token with the
 * text it stands for.
 */
import { randomBytes } from 'node:crypto';
import type { ValuePlace } from './types';

export interface Token {
  text: string;
  /** A number token replaces a YAML number; others replace text. */
  numeric: boolean;
  place: ValuePlace;
  /** The text the token stands for in rendered output: the value, or the part of it. */
  stands: string;
}

const NUMERIC_TEXT = /^-?\d+(\.\d+)?$/;

export class TokenSet {
  readonly tokens: Token[] = [];
  private readonly used = new Set<string>();
  private readonly prefix: string;
  private pattern?: RegExp;

  /** `avoid`: text the tokens must not occur in (the inputs and the rendered output). */
  constructor(private readonly avoid: string) {
    let p: string;
    do p = `tk${randomBytes(6).toString('hex').replace(/\d/g, (d) => 'ghijklmnop'[Number(d)])}`; while (avoid.includes(p));
    this.prefix = p;
  }

  /** A token for a place (or for `part` of its string value). */
  add(place: ValuePlace, part?: { index: number; length: number }): Token {
    const v = place.value;
    const stands = typeof v === 'string' && part ? v.slice(part.index, part.index + part.length) : String(v);
    const numeric = typeof v === 'number' || NUMERIC_TEXT.test(stands);
    let text: string;
    if (numeric) {
      // Six digits: Helm prints numbers of a million and more in exponent form.
      do text = String(100000 + Math.floor(Math.random() * 899999)); while (this.used.has(text) || this.avoid.includes(text));
    } else text = `${this.prefix}${String(this.tokens.length).padStart(4, '0')}z`;
    this.used.add(text);
    const t: Token = { text, numeric, place: part ? { ...place, part } : place, stands };
    this.tokens.push(t);
    this.pattern = undefined;
    return t;
  }

  /** The source text that puts the token at its place, keeping the scalar's quoting style. */
  sourceFor(t: Token): string {
    const v = t.place.value;
    if (typeof v === 'number') return t.text;
    const part = t.place.part;
    const s = part ? v.slice(0, part.index) + t.text + v.slice(part.index + part.length) : t.text;
    switch (t.place.style) {
      case 'double': return JSON.stringify(s);
      case 'single': return `'${s.replace(/'/g, "''")}'`;
      // A plain scalar of digits would read back as a number: quote it to stay a string.
      case 'plain': return NUMERIC_TEXT.test(s) ? JSON.stringify(s) : s;
      default: return s;
    }
  }

  /** What the token's place reads as in its file after the edit (for checking the edit). */
  expectedValue(t: Token): string | number {
    const v = t.place.value;
    if (typeof v === 'number') return Number(t.text);
    const part = t.place.part;
    return part ? v.slice(0, part.index) + t.text + v.slice(part.index + part.length) : t.text;
  }

  private regex(): RegExp {
    const alts = this.tokens.map((t) => t.text).sort((a, b) => b.length - a.length).map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.pattern ??= new RegExp(alts.length ? alts.join('|') : '(?!)', 'g');
    return this.pattern;
  }

  byText(text: string): Token | undefined {
    return this.tokens.find((t) => t.text === text);
  }

  /** Rendered output with every token read back as the text it stands for. */
  restore(v: unknown): unknown {
    if (typeof v === 'number') {
      const t = this.byText(String(v));
      return t ? t.stands : v;
    }
    if (typeof v === 'string') return this.tokens.length ? v.replace(this.regex(), (m) => this.byText(m)?.stands ?? m) : v;
    if (Array.isArray(v)) return v.map((x) => this.restore(x));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.restore(x)]));
    return v;
  }

  /**
   * A rendered value split at the tokens in it: a single token (the whole value comes from one
   * place) or literal text and tokens (a value assembled from several places).
   */
  split(v: unknown): ({ text: string } | { token: Token })[] | undefined {
    if (typeof v === 'number') {
      const t = this.byText(String(v));
      return t ? [{ token: t }] : undefined;
    }
    if (typeof v !== 'string' || this.tokens.length === 0) return undefined;
    const out: ({ text: string } | { token: Token })[] = [];
    let last = 0;
    for (const m of v.matchAll(this.regex())) {
      if (m.index! > last) out.push({ text: v.slice(last, m.index) });
      out.push({ token: this.byText(m[0])! });
      last = m.index! + m[0].length;
    }
    if (out.length === 0) return undefined;
    if (last < v.length) out.push({ text: v.slice(last) });
    return out;
  }
}

/** Equal as rendered data, scalars compared as text (a token stands in for `2` as digits). */
export function sameRendered(a: unknown, b: unknown, ignore: (path: (string | number)[], a: unknown, b: unknown) => boolean = () => false, path: (string | number)[] = []): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return ignore(path, a, b);
    return a.every((x, i) => sameRendered(x, b[i], ignore, [...path, i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length || ka.some((k) => !(k in (b as object)))) return ignore(path, a, b);
    return ka.every((k) => sameRendered((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], ignore, [...path, k]));
  }
  if (a === null || b === null || typeof a === 'object' || typeof b === 'object') return ignore(path, a, b);
  return String(a) === String(b) || ignore(path, a, b);
}
