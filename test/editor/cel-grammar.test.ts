// The CEL injection grammar, tokenized by VS Code's own TextMate engine (vscode-textmate +
// oniguruma from the cached code-server) on top of VS Code's own YAML grammars.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const VSCODE = join(process.env.GITOPS_LENS_CACHE ?? join(homedir(), '.cache', 'gitops-lens'), 'code-server-4.139.1', 'node_modules', 'code-server', 'lib', 'vscode');
const ROOT = new URL('../..', import.meta.url).pathname.replace(/out\/$/, '');
const repoRoot = existsSync(join(ROOT, 'syntaxes')) ? ROOT : process.cwd();
const skip = existsSync(join(VSCODE, 'node_modules', 'vscode-textmate')) ? false : `VS Code's TextMate engine not cached at ${VSCODE} (scripts/vscode/ensure-code-server.sh installs it)`;

interface Token { text: string; scopes: string[] }

async function tokenizer(): Promise<(text: string) => Token[][]> {
  const req = createRequire(join(VSCODE, 'package.json'));
  const tm = req('vscode-textmate');
  const onig = req('vscode-oniguruma');
  const wasm = readFileSync(join(VSCODE, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const yamlDir = join(VSCODE, 'extensions', 'yaml', 'syntaxes');
  const files: Record<string, string> = {
    'source.yaml': join(yamlDir, 'yaml.tmLanguage.json'),
    'source.yaml.1.3': join(yamlDir, 'yaml-1.3.tmLanguage.json'),
    'source.yaml.1.2': join(yamlDir, 'yaml-1.2.tmLanguage.json'),
    'source.yaml.1.1': join(yamlDir, 'yaml-1.1.tmLanguage.json'),
    'source.yaml.1.0': join(yamlDir, 'yaml-1.0.tmLanguage.json'),
    'source.yaml.embedded': join(yamlDir, 'yaml-embedded.tmLanguage.json'),
    'cel.injection.gitops-lens': join(repoRoot, 'syntaxes', 'cel-injection.tmLanguage.json'),
  };
  const registry = new tm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (s: string[]) => new onig.OnigScanner(s), createOnigString: (s: string) => new onig.OnigString(s) }),
    loadGrammar: async (scope: string) => (files[scope] ? tm.parseRawGrammar(readFileSync(files[scope], 'utf8'), files[scope]) : null),
    getInjections: (scope: string) => (scope === 'source.yaml' ? ['cel.injection.gitops-lens'] : undefined),
  });
  const grammar = await registry.loadGrammar('source.yaml');
  return (text: string) => {
    let state = tm.INITIAL;
    return text.split('\n').map((line) => {
      const r = grammar.tokenizeLine(line, state);
      state = r.ruleStack;
      return r.tokens.map((t: { startIndex: number; endIndex: number; scopes: string[] }) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
    });
  };
}

const POLICY = [
  'apiVersion: admissionregistration.k8s.io/v1',
  'kind: ValidatingAdmissionPolicy',
  'metadata:',
  '  name: max-replicas',
  'spec:',
  '  validations:',
  '    - expression: "object.spec.replicas <= 5 && has(object.metadata.labels)"',
  `      messageExpression: '"too many: " + string(object.spec.replicas)'`,
  '    - expression: >-',
  '        object.spec.template.spec.containers.all(c,',
  '          c.image.startsWith("registry.example.com/"))',
  '      message: plain text, not CEL',
  '    - expression: object.spec.replicas > 0',
  '  matchConstraints: {}',
].join('\n');

function scopesOf(lines: Token[][], line: number, text: string): string[] {
  const t = lines[line].find((x) => x.text.includes(text));
  assert.ok(t, `no token containing ${JSON.stringify(text)} on line ${line + 1}: ${JSON.stringify(lines[line].map((x) => x.text))}`);
  return t.scopes;
}

describe('CEL injection grammar', { skip }, () => {
  it('scopes CEL inside expression/messageExpression values (quoted, block, plain)', async () => {
    const lines = (await tokenizer())(POLICY);
    assert.ok(scopesOf(lines, 6, 'has').includes('support.function.cel'), 'has() in a double-quoted expression');
    assert.ok(scopesOf(lines, 6, 'object').includes('variable.language.cel'));
    assert.ok(scopesOf(lines, 6, '&&').includes('keyword.operator.cel'));
    assert.ok(scopesOf(lines, 7, 'string').includes('support.function.cel'), 'single-quoted messageExpression');
    assert.ok(scopesOf(lines, 7, '"too many: "').includes('string.quoted.double.cel'));
    assert.ok(scopesOf(lines, 9, 'all').includes('support.function.cel'), 'block scalar, first line');
    assert.ok(scopesOf(lines, 10, 'startsWith').includes('support.function.cel'), 'block scalar, continuation');
    assert.ok(scopesOf(lines, 12, 'object').includes('variable.language.cel'), 'plain scalar');
  });

  it('leaves other YAML alone', async () => {
    const lines = (await tokenizer())(POLICY);
    assert.ok(!scopesOf(lines, 11, 'plain').some((s) => s.endsWith('.cel')), 'message: is not CEL');
    assert.ok(!scopesOf(lines, 13, 'matchConstraints').some((s) => s.endsWith('.cel')), 'block scalar ends at the next key');
    assert.ok(!scopesOf(lines, 3, 'max-replicas').some((s) => s.endsWith('.cel')));
  });
});
