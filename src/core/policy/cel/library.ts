import { Environment } from '@marcbachmann/cel-js';
import { isIP } from 'node:net';
import { add, compare, fromInt, parseQuantity, Quantity, sub } from './quantity';

class SetsNamespace {}
class StringsNamespace {}
class URLValue { constructor(readonly url: URL, readonly raw: string) {} }
class IPValue { constructor(readonly addr: string, readonly family: 4 | 6, readonly bytes: number[]) {} }
class CIDRValue { constructor(readonly ip: IPValue, readonly prefix: number) {} }

const fail = (msg: string): never => { throw new Error(msg); };

function q(s: string): Quantity { return parseQuantity(s) ?? fail(`invalid quantity "${s}"`); }

function ipBytes(s: string): IPValue | undefined {
  const fam = isIP(s);
  if (fam === 4) return new IPValue(s, 4, s.split('.').map(Number));
  if (fam === 6 && !s.includes('%')) {
    let [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
    let v4: number[] = [];
    const fix = (p: string) => { const parts = p ? p.split(':') : []; const last = parts[parts.length - 1]; if (last && last.includes('.')) { v4 = last.split('.').map(Number); parts.pop(); } return parts; };
    const h = fix(head);
    const t = tail !== undefined ? fix(tail) : [];
    const groups = 8 - (v4.length ? 2 : 0);
    const mid = tail !== undefined ? Array(groups - h.length - t.length).fill('0') : [];
    const all = [...h, ...mid, ...t].map((g) => parseInt(g, 16));
    const bytes = all.flatMap((g) => [g >> 8, g & 255]).concat(v4);
    return new IPValue(s, 6, bytes);
  }
  return undefined;
}
function parseIP(s: string): IPValue { return ipBytes(s) ?? fail(`invalid IP address "${s}"`); }
function parseCIDR(s: string): CIDRValue {
  const [a, p] = s.split('/');
  const ip = ipBytes(a ?? '');
  const prefix = Number(p);
  if (!ip || p === undefined || !/^\d+$/.test(p) || prefix > (ip.family === 4 ? 32 : 128)) fail(`invalid CIDR "${s}"`);
  return new CIDRValue(ip!, prefix);
}
function inPrefix(c: CIDRValue, ip: IPValue, prefix = c.prefix): boolean {
  if (ip.family !== c.ip.family) return false;
  for (let i = 0; i < prefix; i++) {
    const bit = (b: number[]) => (b[i >> 3] >> (7 - (i & 7))) & 1;
    if (bit(c.ip.bytes) !== bit(ip.bytes)) return false;
  }
  return true;
}
function maskedIP(c: CIDRValue): IPValue {
  const bytes = c.ip.bytes.map((b, i) => { const keep = Math.max(0, Math.min(8, c.prefix - i * 8)); return b & (0xff << (8 - keep)) & 0xff; });
  const addr = c.ip.family === 4 ? bytes.join('.') : bytesToV6(bytes);
  return new IPValue(addr, c.ip.family, bytes);
}
function bytesToV6(b: number[]): string {
  const g: string[] = [];
  for (let i = 0; i < 16; i += 2) g.push(((b[i] << 8) | b[i + 1]).toString(16));
  return g.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

function cmp(a: unknown, b: unknown): number {
  if (a instanceof Quantity && b instanceof Quantity) return compare(a, b);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'bigint' || typeof b === 'bigint') return Number(a) === Number(b);
  if (typeof a === 'object' && typeof b === 'object' && a && b) return JSON.stringify(a, big) === JSON.stringify(b, big);
  return false;
}
const big = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

/** Go-style `%s %d %f %e %x %X %o %b` formatting of the Kubernetes strings library. */
function format(fmt: string, args: unknown[]): string {
  let i = 0;
  return fmt.replace(/%(\.\d+)?([sdfeExXob%])/g, (_m, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    const a = args[i++];
    if (a === undefined) fail('format: not enough arguments');
    const p = prec ? Number(prec.slice(1)) : undefined;
    switch (verb) {
      case 's': return a === null ? 'null' : Array.isArray(a) ? `[${a.map(String).join(', ')}]` : String(a);
      case 'd': return typeof a === 'bigint' ? a.toString() : String(Math.trunc(Number(a)));
      case 'f': return Number(a).toFixed(p ?? 6);
      case 'e': case 'E': { const s = Number(a).toExponential(p ?? 6).replace(/e([+-])(\d)$/, 'e$10$2'); return verb === 'E' ? s.toUpperCase() : s; }
      case 'x': return typeof a === 'string' ? Buffer.from(a).toString('hex') : BigInt(a as bigint).toString(16);
      case 'X': return (typeof a === 'string' ? Buffer.from(a).toString('hex') : BigInt(a as bigint).toString(16)).toUpperCase();
      case 'o': return BigInt(a as bigint).toString(8);
      case 'b': return typeof a === 'boolean' ? String(a) : BigInt(a as bigint).toString(2);
    }
    return '';
  });
}

let base: Environment | undefined;

/**
 * A CEL environment with the variables of ValidatingAdmissionPolicy and the Kubernetes CEL
 * libraries (regex, lists, sets, quantity, url, ip/cidr, format, strings) registered.
 * One shared base; each caller gets a clone.
 */
export function kubernetesCelEnvironment(): Environment {
  if (!base) base = build();
  return base.clone();
}

function build(): Environment {
  const env = new Environment({ enableOptionalTypes: true, unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false });
  for (const v of ['object', 'oldObject', 'params', 'namespaceObject', 'request', 'variables', 'authorizer']) env.registerVariable(v, 'dyn');
  // `sets.x(...)` and `strings.x(...)` are receiver calls on namespace constants, as cel-js does for `cel.bind`.
  env.registerType('SetsNamespace', SetsNamespace).registerConstant('sets', 'SetsNamespace', new SetsNamespace());
  env.registerType('StringsNamespace', StringsNamespace).registerConstant('strings', 'StringsNamespace', new StringsNamespace());
  env.registerType('Quantity', Quantity).registerType('URL', URLValue).registerType('net.IP', IPValue).registerType('net.CIDR', CIDRValue);
  const fn = (sig: string, h: (...a: never[]) => unknown) => env.registerFunction(sig, h as (...a: unknown[]) => unknown);
  // regex
  fn('string.find(string): string', (s: string, re: string) => new RegExp(re).exec(s)?.[0] ?? '');
  fn('string.findAll(string): list<string>', (s: string, re: string) => [...s.matchAll(new RegExp(re, 'g'))].map((m) => m[0]));
  fn('string.findAll(string, int): list<string>', (s: string, re: string, n: bigint) => { const all = [...s.matchAll(new RegExp(re, 'g'))].map((m) => m[0]); return n < 0n ? all : all.slice(0, Number(n)); });
  // lists
  fn('list.isSorted(): bool', (l: unknown[]) => l.every((x, i) => i === 0 || cmp(l[i - 1], x) <= 0));
  fn('list.sum(): dyn', (l: unknown[]) => l.length === 0 ? 0n : l.reduce((a, b) => (a instanceof Quantity ? add(a, b as Quantity) : (a as number) + (b as number))));
  fn('list.min(): dyn', (l: unknown[]) => l.length ? l.reduce((a, b) => (cmp(b, a) < 0 ? b : a)) : fail('min called on an empty list'));
  fn('list.max(): dyn', (l: unknown[]) => l.length ? l.reduce((a, b) => (cmp(b, a) > 0 ? b : a)) : fail('max called on an empty list'));
  fn('list.indexOf(dyn): int', (l: unknown[], v: unknown) => BigInt(l.findIndex((x) => equal(x, v))));
  fn('list.lastIndexOf(dyn): int', (l: unknown[], v: unknown) => { for (let i = l.length - 1; i >= 0; i--) if (equal(l[i], v)) return BigInt(i); return -1n; });
  fn('list.reverse(): list', (l: unknown[]) => [...l].reverse());
  fn('list.distinct(): list', (l: unknown[]) => l.filter((x, i) => l.findIndex((y) => equal(x, y)) === i));
  // sets
  fn('SetsNamespace.contains(list, list): bool', (_n: SetsNamespace, a: unknown[], b: unknown[]) => b.every((x) => a.some((y) => equal(x, y))));
  fn('SetsNamespace.equivalent(list, list): bool', (_n: SetsNamespace, a: unknown[], b: unknown[]) => b.every((x) => a.some((y) => equal(x, y))) && a.every((x) => b.some((y) => equal(x, y))));
  fn('SetsNamespace.intersects(list, list): bool', (_n: SetsNamespace, a: unknown[], b: unknown[]) => b.some((x) => a.some((y) => equal(x, y))));
  // quantity
  fn('quantity(string): Quantity', (s: string) => q(s));
  fn('isQuantity(string): bool', (s: string) => parseQuantity(s) !== undefined);
  fn('Quantity.compareTo(Quantity): int', (a: Quantity, b: Quantity) => BigInt(compare(a, b)));
  fn('Quantity.isGreaterThan(Quantity): bool', (a: Quantity, b: Quantity) => compare(a, b) > 0);
  fn('Quantity.isLessThan(Quantity): bool', (a: Quantity, b: Quantity) => compare(a, b) < 0);
  fn('Quantity.add(Quantity): Quantity', (a: Quantity, b: Quantity) => add(a, b));
  fn('Quantity.add(int): Quantity', (a: Quantity, b: bigint) => add(a, fromInt(b)));
  fn('Quantity.sub(Quantity): Quantity', (a: Quantity, b: Quantity) => sub(a, b));
  fn('Quantity.sub(int): Quantity', (a: Quantity, b: bigint) => sub(a, fromInt(b)));
  fn('Quantity.sign(): int', (a: Quantity) => BigInt(a.num > 0n ? 1 : a.num < 0n ? -1 : 0));
  fn('Quantity.isInteger(): bool', (a: Quantity) => a.num % a.den === 0n);
  fn('Quantity.asInteger(): int', (a: Quantity) => a.num % a.den === 0n ? a.num / a.den : fail(`quantity ${a.toString()} is not an integer`));
  fn('Quantity.asApproximateFloat(): double', (a: Quantity) => Number(a.num) / Number(a.den));
  fn('string(Quantity): string', (a: Quantity) => a.toString());
  // url
  fn('url(string): URL', (s: string) => { try { return new URLValue(new URL(s), s); } catch { return fail(`invalid URL "${s}"`); } });
  fn('isURL(string): bool', (s: string) => { try { new URL(s); return true; } catch { return false; } });
  fn('URL.getScheme(): string', (u: URLValue) => u.url.protocol.replace(/:$/, ''));
  fn('URL.getHost(): string', (u: URLValue) => u.url.host);
  fn('URL.getHostname(): string', (u: URLValue) => u.url.hostname.replace(/^\[|\]$/g, ''));
  fn('URL.getPort(): string', (u: URLValue) => u.url.port);
  fn('URL.getEscapedPath(): string', (u: URLValue) => u.url.pathname);
  fn('URL.getQuery(): map', (u: URLValue) => { const m: Record<string, string[]> = {}; for (const [k, v] of u.url.searchParams) (m[k] ??= []).push(v); return m; });
  // ip / cidr
  fn('ip(string): net.IP', (s: string) => parseIP(s));
  fn('isIP(string): bool', (s: string) => ipBytes(s) !== undefined);
  fn('net.IP.family(): int', (ip: IPValue) => BigInt(ip.family));
  fn('net.IP.isUnspecified(): bool', (ip: IPValue) => ip.bytes.every((b) => b === 0));
  fn('net.IP.isLoopback(): bool', (ip: IPValue) => ip.family === 4 ? ip.bytes[0] === 127 : ip.bytes.slice(0, 15).every((b) => b === 0) && ip.bytes[15] === 1);
  fn('net.IP.isLinkLocalMulticast(): bool', (ip: IPValue) => ip.family === 4 ? ip.bytes[0] === 224 && ip.bytes[1] === 0 && ip.bytes[2] === 0 : ip.bytes[0] === 0xff && (ip.bytes[1] & 0x0f) === 2);
  fn('net.IP.isLinkLocalUnicast(): bool', (ip: IPValue) => ip.family === 4 ? ip.bytes[0] === 169 && ip.bytes[1] === 254 : ip.bytes[0] === 0xfe && (ip.bytes[1] & 0xc0) === 0x80);
  fn('net.IP.isGlobalUnicast(): bool', (ip: IPValue) => !(ip.bytes.every((b) => b === 0)) && !(ip.family === 4 ? ip.bytes[0] === 127 || ip.bytes[0] >= 224 || (ip.bytes[0] === 169 && ip.bytes[1] === 254) || ip.bytes.every((b) => b === 255) : ip.bytes[0] === 0xff || (ip.bytes[0] === 0xfe && (ip.bytes[1] & 0xc0) === 0x80) || (ip.bytes.slice(0, 15).every((b) => b === 0) && ip.bytes[15] === 1)));
  fn('string(net.IP): string', (ip: IPValue) => ip.addr);
  fn('cidr(string): net.CIDR', (s: string) => parseCIDR(s));
  fn('isCIDR(string): bool', (s: string) => { try { parseCIDR(s); return true; } catch { return false; } });
  fn('net.CIDR.containsIP(net.IP): bool', (c: CIDRValue, ip: IPValue) => inPrefix(c, ip));
  fn('net.CIDR.containsIP(string): bool', (c: CIDRValue, ip: string) => inPrefix(c, parseIP(ip)));
  fn('net.CIDR.containsCIDR(net.CIDR): bool', (c: CIDRValue, o: CIDRValue) => o.prefix >= c.prefix && inPrefix(c, o.ip));
  fn('net.CIDR.containsCIDR(string): bool', (c: CIDRValue, o: string) => { const x = parseCIDR(o); return x.prefix >= c.prefix && inPrefix(c, x.ip); });
  fn('net.CIDR.ip(): net.IP', (c: CIDRValue) => c.ip);
  fn('net.CIDR.masked(): net.CIDR', (c: CIDRValue) => new CIDRValue(maskedIP(c), c.prefix));
  fn('net.CIDR.prefixLength(): int', (c: CIDRValue) => BigInt(c.prefix));
  fn('string(net.CIDR): string', (c: CIDRValue) => `${c.ip.addr}/${c.prefix}`);
  // format and strings extensions
  fn('string.format(list): string', (s: string, args: unknown[]) => format(s, args));
  fn('string.replace(string, string): string', (s: string, a: string, b: string) => s.split(a).join(b));
  fn('string.replace(string, string, int): string', (s: string, a: string, b: string, n: bigint) => { let out = s; let done = 0; let idx = 0; while (n < 0n || done < Number(n)) { const i = out.indexOf(a, idx); if (i < 0 || a === '') break; out = out.slice(0, i) + b + out.slice(i + a.length); idx = i + b.length; done++; } return out; });
  fn('string.charAt(int): string', (s: string, i: bigint) => Number(i) <= s.length ? s.charAt(Number(i)) : fail('charAt: index out of range'));
  fn('string.reverse(): string', (s: string) => [...s].reverse().join(''));
  fn('StringsNamespace.quote(string): string', (_n: StringsNamespace, s: string) => JSON.stringify(s));
  return env;
}

/** YAML integers become CEL ints (BigInt); everything else stays as is. */
export function toCel(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(toCel);
  if (v && typeof v === 'object' && !(v instanceof Date)) { const o: Record<string, unknown> = {}; for (const [k, x] of Object.entries(v)) o[k] = toCel(x); return o; }
  return v;
}

/** CEL values as plain strings for messages. */
export function celToString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v, big);
}
