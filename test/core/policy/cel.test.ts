import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubernetesCelEnvironment, toCel } from '../../../src/core/policy';

const env = kubernetesCelEnvironment();
const ev = (e: string, ctx: Record<string, unknown> = {}) => env.evaluate(e, ctx);

const cases: [string, unknown][] = [
  ['"abc123def45".find("[0-9]+")', '123'],
  ['"abc".find("[0-9]+")', ''],
  ['"a1b22c333".findAll("[0-9]+")', ['1', '22', '333']],
  ['"a1b22c333".findAll("[0-9]+", 2)', ['1', '22']],
  ['[1, 2, 2, 5].isSorted()', true],
  ['[3, 1].isSorted()', false],
  ['[1, 2, 3].sum()', 6n],
  ['[1.5, 2.5].sum()', 4],
  ['[4, 2, 9].min()', 2n],
  ['[4, 2, 9].max()', 9n],
  ['["a", "b", "a"].indexOf("a")', 0n],
  ['["a", "b", "a"].lastIndexOf("a")', 2n],
  ['["a"].indexOf("z")', -1n],
  ['sets.contains([1, 2, 3], [2, 3])', true],
  ['sets.contains([1, 2], [3])', false],
  ['sets.equivalent([1, 2], [2, 1, 1])', true],
  ['sets.intersects([1], [2])', false],
  ['quantity("1Gi").isGreaterThan(quantity("1000Mi"))', true],
  ['quantity("500m").isLessThan(quantity("1"))', true],
  ['quantity("1Gi").compareTo(quantity("1024Mi"))', 0n],
  ['quantity("1k").add(quantity("24")).asInteger()', 1024n],
  ['quantity("2").sub(1).asInteger()', 1n],
  ['quantity("1500m").asApproximateFloat()', 1.5],
  ['quantity("1.5Gi").asInteger()', 1610612736n],
  ['isQuantity("10Mi")', true],
  ['isQuantity("10MB")', false],
  ['url("https://example.com:8443/a/b?x=1&x=2").getHostname()', 'example.com'],
  ['url("https://example.com:8443/a").getPort()', '8443'],
  ['url("https://example.com/a/b").getEscapedPath()', '/a/b'],
  ['url("https://example.com/?x=1&x=2").getQuery()["x"]', ['1', '2']],
  ['isURL("not a url")', false],
  ['ip("10.0.0.1").family()', 4n],
  ['ip("::1").isLoopback()', true],
  ['ip("8.8.8.8").isGlobalUnicast()', true],
  ['ip("169.254.1.1").isLinkLocalUnicast()', true],
  ['isIP("1.2.3")', false],
  ['cidr("10.0.0.0/8").containsIP(ip("10.20.30.40"))', true],
  ['cidr("10.0.0.0/8").containsIP("192.168.0.1")', false],
  ['cidr("10.0.0.0/8").containsCIDR("10.1.0.0/16")', true],
  ['cidr("2001:db8::/32").containsIP("2001:db8::1")', true],
  ['cidr("192.168.7.9/24").prefixLength()', 24n],
  ['string(cidr("192.168.7.9/24").masked())', '192.168.7.0/24'],
  ['"%s is %d years and %.2f".format(["x", 3, 1.5])', 'x is 3 years and 1.50'],
  ['"%x".format([255])', 'ff'],
  ['"a-b-c".replace("-", "+")', 'a+b+c'],
  ['"a-b-c".replace("-", "+", 1)', 'a+b-c'],
  ['"abc".charAt(1)', 'b'],
  ['"abc".reverse()', 'cba'],
  ['strings.quote("a\\"b")', '"a\\"b"'],
  ['object.?spec.?missing.orValue("none")', 'none'],
  ['object.?spec.?replicas.orValue(0) + 1', 4n],
  ['has(object.spec.replicas) && object.spec.replicas > 2', true],
];

for (const [expr, want] of cases) {
  test(`CEL ${expr}`, () => assert.deepEqual(ev(expr, { object: toCel({ spec: { replicas: 3 } }) }), want));
}

test('CEL library errors are errors, not wrong answers', () => {
  assert.throws(() => ev('quantity("abc")'), /invalid quantity/);
  assert.throws(() => ev('quantity("1.5").asInteger()'), /not an integer/);
  assert.throws(() => ev('cidr("10.0.0.0/99")'), /invalid CIDR/);
  assert.throws(() => ev('[].min()'), /empty list/);
});
