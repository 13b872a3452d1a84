// Generates cel-injection.tmLanguage.json: `node syntaxes/cel-injection.gen.mjs` (regexes are easier to read here).
import { writeFileSync } from 'node:fs';
const KEY = '(expression|messageExpression)';
// The YAML grammar consumes indentation and `- ` itself, so the key is matched mid-line.
const LEAD = '(?<![\\w.-])()()';
const keyCaptures = { 1: {}, 2: { name: 'punctuation.definition.block.sequence.item.yaml' }, 3: { name: 'entity.name.tag.yaml' }, 4: { name: 'punctuation.separator.key-value.mapping.yaml' } };
const g = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'CEL in Kubernetes admission policies',
  scopeName: 'cel.injection.gitops-lens',
  injectionSelector: 'L:source.yaml -comment',
  patterns: [{ include: '#block' }, { include: '#double' }, { include: '#single' }, { include: '#plain' }],
  repository: {
    block: {
      begin: `${LEAD}${KEY}\\s*(:)\\s*([|>][-+]?[0-9]?)\\s*(#.*)?$`,
      beginCaptures: { ...keyCaptures, 5: { name: 'keyword.control.flow.block-scalar.yaml' }, 6: { name: 'comment.line.number-sign.yaml' } },
      // The YAML grammar's indentation rules consume the enclosing mapping's indentation
      // first; a content line then still starts with blanks, the next key does not.
      while: '\\G(?=[ \\t]|$)',
      contentName: 'meta.embedded.cel source.cel',
      patterns: [{ include: '#cel' }],
    },
    double: {
      begin: `${LEAD}${KEY}\\s*(:)\\s*(")`,
      beginCaptures: { ...keyCaptures, 5: { name: 'punctuation.definition.string.begin.yaml' } },
      end: '(")|(?<!\\\\)$',
      endCaptures: { 1: { name: 'punctuation.definition.string.end.yaml' } },
      contentName: 'meta.embedded.cel source.cel',
      patterns: [{ match: '\\\\.', name: 'constant.character.escape.yaml' }, { include: '#cel' }],
    },
    single: {
      begin: `${LEAD}${KEY}\\s*(:)\\s*(')`,
      beginCaptures: { ...keyCaptures, 5: { name: 'punctuation.definition.string.begin.yaml' } },
      end: "(')(?!')|$",
      endCaptures: { 1: { name: 'punctuation.definition.string.end.yaml' } },
      contentName: 'meta.embedded.cel source.cel',
      patterns: [{ match: "''", name: 'constant.character.escape.yaml' }, { include: '#cel' }],
    },
    plain: {
      begin: `${LEAD}${KEY}\\s*(:)\\s+(?=[^\\s"'|>#])`,
      beginCaptures: keyCaptures,
      end: '$|(?=\\s#)',
      contentName: 'meta.embedded.cel source.cel',
      patterns: [{ include: '#cel' }],
    },
    cel: {
      patterns: [
        { match: '"(?:[^"\\\\]|\\\\.)*"', name: 'string.quoted.double.cel' },
        { match: "'(?:[^'\\\\]|\\\\.)*'", name: 'string.quoted.single.cel' },
        { match: '\\b(?:true|false)\\b', name: 'constant.language.boolean.cel' },
        { match: '\\bnull\\b', name: 'constant.language.null.cel' },
        { match: '\\b(?:0x[0-9a-fA-F]+u?|[0-9]+(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?u?)\\b', name: 'constant.numeric.cel' },
        { match: '\\bin\\b', name: 'keyword.operator.in.cel' },
        { match: '&&|\\|\\||!(?!=)|==|!=|<=|>=|<|>|\\?|:|\\+|-|\\*|/|%', name: 'keyword.operator.cel' },
        { match: '\\b(?:object|oldObject|request|params|namespaceObject|variables|authorizer|messageExpression)\\b', name: 'variable.language.cel' },
        { match: '\\b(?:has|size|matches|startsWith|endsWith|contains|exists|exists_one|all|map|filter|int|uint|double|string|bytes|bool|type|duration|timestamp|dyn|quantity|isQuantity|url|isURL|ip|isIP|cidr|isCIDR|lowerAscii|upperAscii|replace|split|join|trim|indexOf|lastIndexOf|format|sort|isSorted|sum|min|max|optional|orValue|hasValue|of|none)\\b(?=\\s*\\()', name: 'support.function.cel' },
        { match: '(?<=\\.)[A-Za-z_][A-Za-z0-9_]*', name: 'variable.other.property.cel' },
        { match: '[A-Za-z_][A-Za-z0-9_]*', name: 'variable.other.cel' },
        { match: '[()\\[\\]{}.,]', name: 'punctuation.cel' },
      ],
    },
  },
};
writeFileSync(new URL('./cel-injection.tmLanguage.json', import.meta.url), JSON.stringify(g, null, 2) + '\n');
