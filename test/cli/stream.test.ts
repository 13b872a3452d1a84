import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { writeJsonWithArray } from '../../src/cli/stream';

test('a JSON document past V8\'s longest string is written piece by piece (JSON.stringify cannot: RangeError)', async () => {
  // 520 items of 1 MB: 545 MB of JSON, more than any string can hold; the items are one shared string.
  const item = 'x'.repeat(1024 * 1024);
  const items = { *[Symbol.iterator]() { for (let i = 0; i < 520; i++) yield { message: item }; } };
  assert.throws(() => JSON.stringify({ findings: [...items] }, null, 2), RangeError);
  let bytes = 0, opened = '', closed = '';
  const sink = new Writable({ write(c, _e, cb) { const s = String(c); if (!opened) opened = s.slice(0, 80); closed = (closed + s).slice(-40); bytes += s.length; cb(); } });
  await writeJsonWithArray(sink, (p) => ({ findings: p }), items);
  assert.ok(bytes > 520 * 1024 * 1024, `${bytes} characters written`);
  assert.ok(opened.startsWith('{\n  "findings": [\n    {\n      "message": "xxx'), opened);
  assert.ok(closed.endsWith('xxx"\n    }\n  ]\n}\n'), closed);
});

test('small documents come out exactly as JSON.stringify(doc, null, 2), empty arrays included', async () => {
  for (const items of [[], [{ a: 1, b: [1, 2], c: { d: 'e' } }], [1, 'two', null]] as unknown[][]) {
    let text = '';
    const sink = new Writable({ write(c, _e, cb) { text += String(c); cb(); } });
    await writeJsonWithArray(sink, (p) => ({ version: '2.1.0', runs: [{ tool: { name: 'x' }, results: p, after: true }] }), items);
    assert.equal(text, JSON.stringify({ version: '2.1.0', runs: [{ tool: { name: 'x' }, results: items, after: true }] }, null, 2) + '\n');
  }
});
