/** A Kubernetes resource quantity as an exact fraction num/den. */
export class Quantity {
  constructor(readonly num: bigint, readonly den: bigint, readonly text?: string) {}
  toString(): string { return this.text ?? (this.den === 1n ? String(this.num) : String(Number(this.num) / Number(this.den))); }
}

const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const RE = /^([+-]?)(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

export function parseQuantity(s: string): Quantity | undefined {
  const m = RE.exec(s.trim());
  if (!m) return undefined;
  const [, sign, digits, suffix = ''] = m;
  const [int, frac = ''] = digits.split('.');
  let num = BigInt((int || '0') + frac) * (sign === '-' ? -1n : 1n);
  let den = 10n ** BigInt(frac.length);
  if (BINARY[suffix]) num *= BINARY[suffix];
  else {
    const exp = suffix in DECIMAL ? DECIMAL[suffix] : Number(suffix.slice(1));
    if (exp >= 0) num *= 10n ** BigInt(exp); else den *= 10n ** BigInt(-exp);
  }
  return reduce(num, den, s);
}

function gcd(a: bigint, b: bigint): bigint { a = a < 0n ? -a : a; while (b) [a, b] = [b, a % b]; return a || 1n; }
function reduce(num: bigint, den: bigint, text?: string): Quantity { const g = gcd(num, den); return new Quantity(num / g, den / g, text); }

export function compare(a: Quantity, b: Quantity): number { const l = a.num * b.den, r = b.num * a.den; return l < r ? -1 : l > r ? 1 : 0; }
export function add(a: Quantity, b: Quantity): Quantity { return reduce(a.num * b.den + b.num * a.den, a.den * b.den); }
export function sub(a: Quantity, b: Quantity): Quantity { return reduce(a.num * b.den - b.num * a.den, a.den * b.den); }
export function fromInt(n: bigint): Quantity { return new Quantity(n, 1n); }
