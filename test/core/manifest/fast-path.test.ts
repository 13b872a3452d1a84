import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locatePath, parseManifestFile, syntaxFor, type FileRole, type JsonPath, type ManifestFile } from '../../../src/core/manifest';
import { fastParse } from '../../../src/core/manifest/fast';
import { documentValueOf, fastDocument } from '../../../src/core/manifest/parse';
import { locateRange } from '../../../src/core/manifest/paths';
import { resourceDocs } from '../../../bench/corpus';

// The fast parse path (js-yaml values, position trees per document on demand) must give
// exactly what the full `yaml` path gives: documents, kinds, ids, objects, ranges, problems,
// and every located path. These tests pin one to the other.

/** Every path of a value, plus a missing child under each mapping and past each list's end. */
function pathsOf(value: unknown, base: (string | number)[] = [], out: JsonPath[] = []): JsonPath[] {
  out.push(base);
  if (Array.isArray(value)) {
    value.forEach((v, i) => pathsOf(v, [...base, i], out));
    out.push([...base, value.length]);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...base, k], out);
    out.push([...base, 'missing-field'], [...base, 'missing-field', 'deeper']);
  }
  return out;
}

function plain(f: ManifestFile) {
  return { file: f.file, role: f.role, problems: f.problems, documents: f.documents };
}

/** Asserts fast == full for one text; returns whether the fast path was taken. */
function same(text: string, role: FileRole = 'manifests'): boolean {
  const fast = parseManifestFile('/r/x.yaml', text, role);
  const full = parseManifestFile('/r/x.yaml', text, role, { full: true });
  const ctx = JSON.stringify(text);
  assert.deepStrictEqual(plain(fast), plain(full), ctx);
  assert.deepStrictEqual(syntaxFor(fast).lineCounter.lineStarts, syntaxFor(full).lineCounter.lineStarts, ctx);
  for (const d of full.documents) {
    assert.deepStrictEqual(documentValueOf(fast, d.index), documentValueOf(full, d.index), `${ctx} value of document ${d.index}`);
    const paths = pathsOf(documentValueOf(full, d.index));
    paths.push(['no', 'such', 'path'], [0]);
    // The line scan first (before anything builds this document's position tree), then the tree.
    for (const p of paths) {
      const loc = locatePath(full, d.index, p);
      assert.deepStrictEqual(locateRange(fast, d.index, p), loc && { range: loc.range, exact: loc.exact }, `${ctx} document ${d.index} range of ${JSON.stringify(p)}`);
    }
    for (const p of paths) assert.deepStrictEqual(locatePath(fast, d.index, p), locatePath(full, d.index, p), `${ctx} document ${d.index} path ${JSON.stringify(p)}`);
  }
  assert.equal(locatePath(fast, full.documents.length, ['a']), locatePath(full, full.documents.length, ['a']));
  return fastParse(text) !== undefined;
}

const TRICKY: Record<string, string> = {
  empty: '',
  blank: '\n\n  \n',
  commentOnly: '# only a comment\n',
  noNewline: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a',
  leadingComment: '# c\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
  helmStyle: '---\n# Source: chart/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n---\n# Source: chart/templates/sa.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n',
  trailingMarker: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n---\n',
  emptyDocs: 'a: 1\n---\n\n---\n  \n---\nb: 2\n--- \n---',
  emptyWithComment: 'a: 1\n---\n# only\n---\nb: 2\n',
  markerComment: '--- # first\napiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n--- # second\n',
  docEnd: 'a: 1\n...\n# after\n---\nb: 2\n',
  scalars: 'foo\n---\n"bar"\n---\n42\n---\n~\n---\n- a\n- b\n',
  numbers: 'a: [1, -2, +3, 08, 0o17, 0x1F, -0x1, 1_000, 0b11, 1.5, .5, 1., +1.5e3, 2E-2, .inf, -.Inf, .NaN, 1e3, 0.10, 12345678901234567890]\n',
  bools: 'a: [true, True, TRUE, false, False, FALSE, yes, no, on, off, y, n, tRue]\n',
  nulls: 'a: [~, null, Null, NULL, nUll, ""]\nb:\nc: !!null ""\n',
  keys: '1: a\n1.50: b\ntrue: c\n"quoted": d\n\'single\': e\n0x10: f\n',
  nullKey: '~: a\nb: 1\n',
  emptyKey: ': a\n',
  complexKey: '? [a, b]\n: c\n',
  flowKey: '[a, b]: c\n',
  dupKeys: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n',
  dupKeysMixed: 'a: 1\n"a": 2\n',
  dupNumKey: '1: a\n"1": b\n',
  dupBoolKey: 'true: a\nTrue: b\n',
  anchors: 'base: &b {x: 1}\nuse: *b\nlist: [*b, *b]\n',
  aliasBomb: 'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
  undefinedAlias: 'a: *nope\n',
  merge: 'base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n',
  tags: 'a: !!str 123\nb: !!int "7"\nc: !custom x\nd: !!binary aGk=\ne: !!float 1\n',
  blockScalars: 'a: |\n  line1\n    indented\n\n  line3\nb: >\n  folded\n  text\n\n  para\nc: |-\n  strip\n\n\nd: |+\n  keep\n\n\ne: |2\n    explicit\nf: >-\n  x\n  y\ng: |\n  # not a comment\n  --- not a marker\nh: "last"\n',
  blockScalarAtEnd: 'a: |+\n  keep\n\n\n---\nb: |\n  x\n',
  multiLineFlow: 'args: [\n    "--a",\n    "--b",\n  ]\nenv: {\n    A: 1,\n    B: 2 }\n',
  flowEndUnindented: 'args: [\n  a,\n]\n',
  comments: '# head\napiVersion: v1 # trailing\nkind: ConfigMap # another\nmetadata:\n  # inside\n  name: a#b\ndata:\n  k: "v # not a comment"\n# tail\n',
  quotedOneLine: 'a: "tab\\tnew\\nline \\u263A \\x41 \\\\ \\"q\\" \\/ \\N \\_"\nb: \'it\'\'s\'\nc: "#not comment" # comment\n',
  quoted: 'a: "tab\\tnew\\nline \\u263A \\x41 \\\\ \\"q\\" \\/"\nb: \'it\'\'s\'\nc: "folded\n  across\n\n  lines"\nd: \'single\n  folded\'\ne: "escaped \\\n  newline"\n',
  badEscape: 'a: "\\q"\n',
  plainMultiline: 'a: this is\n  a plain\n\n  scalar\nb: x\n',
  bom: '\uFEFFapiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n',
  crlf: 'apiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: n\r\n---\r\na: |\r\n  x\r\n',
  tabs: 'a:\tb\nc:\n\t- d\n',
  tabInBlock: 'a: |\n  x\ty\n',
  directive: '%YAML 1.2\n---\na: 1\n',
  yaml11Directive: '%YAML 1.1\n---\na: yes\nb: 0755\n',
  unclosedFlow: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [broken\n',
  badIndent: 'a:\n  b: 1\n c: 2\n',
  mixedSeq: 'a:\n  - x\n   - y\n',
  mapInSeqValue: 'a: b: c\n',
  multilineKey: 'a\nb: c\n',
  longKey: `${'k'.repeat(1100)}: v\n`,
  longValue: `a: ${'v'.repeat(3000)}\n`,
  unicode: 'a: "héllo wörld ✓"\nb: 日本語\n"ключ": значение\n',
  proto: '__proto__: {polluted: 1}\na: 1\n',
  nonPrintable: 'a: "\u0007"\n',
  contentOnMarker: '--- a\n--- |\n  x\n',
  dashesInValue: 'a: ---\nb: "---"\n---x: 1\n',
  colonsInValues: 'image: registry:5000/app:1.0\nurl: http://example.com/a?b=c\ntime: 12:30:00\ncmd: echo a:b\n',
  flowLists: 'drop: [ALL]\nverbs: [get, list,  watch ]\nempty: []\ntrailing: [a, ]\nq: ["", \'b\', "c,d"]\nemptyDir: {}\nn: [1, 2]\n',
  stars: 'verbs: ["*"]\nresources: [\'*\']\ncmd: ls *\n',
  bangs: 'msg: hello!\nq: "!important"\n',
  questionMarks: 'q: what?\nr: "?"\n',
  nested: 'a:\n- b:\n  - c: [1, {d: e}]\n    f: g\n- - x\n  - y\n',
  emptyFlow: 'a: {}\nb: []\nc: [ ]\n',
  numericStrings: 'a: "1"\nb: \'2\'\nc: 1.0.0\nd: 1e\ne: 0o8\nf: 0xG\n',
  indentedDoc: '  a: 1\n  b: 2\n',
  kustomization: 'resources:\n  - deploy.yaml\n  - svc.yaml\n',
  documentScalarEnd: 'plain scalar\n# c\n---\nnext\n',
};

test('fast path equals the full path on tricky YAML', () => {
  const fastTaken: string[] = [];
  for (const [name, text] of Object.entries(TRICKY)) {
    try {
      if (same(text)) fastTaken.push(name);
    } catch (e) {
      (e as Error).message = `${name}: ${(e as Error).message}`;
      throw e;
    }
  }
  // The fast path must actually serve the ordinary cases (else these comparisons prove nothing).
  for (const n of ['noNewline', 'leadingComment', 'helmStyle', 'trailingMarker', 'emptyDocs', 'numbers', 'bools', 'keys', 'blockScalars', 'blockScalarAtEnd', 'comments', 'quotedOneLine', 'plainMultiline', 'nested', 'colonsInValues', 'unicode']) {
    assert.ok(fastTaken.includes(n), `fast path not taken for ${n}`);
  }
});

test('fast path equals the full path for kustomizations and patches', () => {
  same(TRICKY.kustomization, 'kustomization');
  same('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 2}\n', 'kustomize-patch');
});

test('fast path equals the full path on the benchmark corpus', () => {
  const text = resourceDocs(3, 50).join('---\n');
  assert.ok(same(text));
  // Ranges of findings come from the line scan: no document needed its position tree.
  const f = parseManifestFile('/r/x.yaml', text);
  // (Block scalars are left to the tree: findings point at their keys, never into them.)
  for (const d of f.documents) for (const p of pathsOf(d.object)) if (!(p[0] === 'data' && p.length > 1)) locateRange(f, d.index, p);
  const built = f.documents.filter((d) => fastDocument(f, d.index)?.hasTree);
  assert.equal(built.length, 0, built.map((d) => `${d.id?.kind}`).join());
  assert.equal(parseManifestFile('/r/x.yaml', text).documents.filter((d) => d.kind === 'resource').length, 50);
});

/** A small deterministic PRNG so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

test('fast path equals the full path on thousands of mutated manifests (typing, broken YAML)', () => {
  const rand = rng(Number(process.env.FAST_PATH_SEED ?? 42));
  const seeds = [...resourceDocs(1, 5), ...Object.values(TRICKY).filter((t) => fastParse(t))];
  const bits = [' ', '  ', '\n', ':', ': ', '- ', '#', '"', "'", '[', ']', '{', '}', ',', '|', '>', '---\n', '\n---\n', '-', '?', '0', 'x', '.', '\\', '~', 'null', '\n  ', '\n- '];
  let fastCount = 0;
  const N = Number(process.env.FAST_PATH_FUZZ ?? 3000);
  for (let i = 0; i < N; i++) {
    let t = seeds[Math.floor(rand() * seeds.length)];
    const edits = 1 + Math.floor(rand() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(rand() * (t.length + 1));
      const r = rand();
      if (r < 0.4) t = t.slice(0, at) + bits[Math.floor(rand() * bits.length)] + t.slice(at);
      else if (r < 0.8) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(rand() * 3));
      else { const b = Math.floor(rand() * t.length); t = t.slice(0, at) + t.slice(b, b + 1 + Math.floor(rand() * 8)) + t.slice(at); }
    }
    try {
      if (same(t)) fastCount++;
    } catch (e) {
      (e as Error).message = `mutation ${i}: ${(e as Error).message}`;
      throw e;
    }
  }
  assert.ok(fastCount > N / 10, `fast path served only ${fastCount} of ${N}`);
});
