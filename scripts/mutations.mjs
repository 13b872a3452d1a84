// Curated mutations for `npm run mutate`: small, plausible bugs in the safety-critical code,
// each with the test files that must catch it. A mutation is one or more exact text
// replacements; when a `find` text no longer occurs exactly once (the code moved on), the
// mutation is reported as not applicable: update it here rather than dropping it.
//
// Areas: prune, masking, unknown (Unknown vs Missing), adopt, kubeconfig, ordering, lock, plus
// diff, flux and argo for the other survivors of issue 16, and `weak`: bugs the weak tests
// named in issue 16 let through before they were made exact.
// `issue16: n` marks the survivors listed in issue 16 (by their number there).

const PRUNE_TESTS = ['test/sync/prune.test.ts'];
const ORDER_TESTS = ['test/sync/order.test.ts', 'test/sync/waves.test.ts', 'test/sync/prune.test.ts'];
const UNKNOWN_TESTS = ['test/diff/access.test.ts', 'test/diff/cli.test.ts', 'test/cluster/session.test.ts'];
const MASK_TESTS = ['test/diff/rules.test.ts', 'test/diff/drift.test.ts', 'test/diff/cli.test.ts', 'test/diff/access.test.ts', 'test/sync/order.test.ts', 'test/diff/secrets.test.ts'];
const ADOPT_TESTS = ['test/sync/revert-live.test.ts', 'test/revert/adopt-edit.test.ts'];
const KUBECONFIG_TESTS = ['test/sync/kubeconfig-untouched.test.ts', 'test/cluster/client.test.ts', 'test/core/apps/discover.test.ts'];

/** @typedef {{ find: string, replace: string }} Edit */
/** @type {{ id: string, area: string, what: string, file: string, edits?: Edit[], variants?: Edit[][], tests: string[], issue16?: number }[]} */
export const MUTATIONS = [
  // ---- prune ------------------------------------------------------------------------------
  {
    id: 'prune-recheck-prune-false', area: 'prune', issue16: 1, file: 'src/core/sync/prune.ts', tests: PRUNE_TESTS,
    what: 'the last-moment re-check ignores Prune=false added to the live object after the plan',
    edits: [{ find: ": syncOptionsOf(now).includes('Prune=false') ? 'it is now annotated Prune=false' : undefined", replace: ': undefined' }],
  },
  {
    id: 'prune-recheck-uid', area: 'prune', issue16: 2, file: 'src/core/sync/prune.ts', tests: PRUNE_TESTS,
    what: 'the last-moment re-check ignores a changed uid (deleted and recreated since the plan)',
    edits: [{ find: 'now.metadata?.uid !== t.live?.metadata?.uid ?', replace: 'false ?' }],
  },
  {
    id: 'prune-recheck-deleting', area: 'prune', file: 'src/core/sync/prune.ts', tests: PRUNE_TESTS,
    what: 'the re-check deletes again an object already being deleted',
    edits: [{ find: ": now.metadata?.deletionTimestamp ? 'it is already being deleted'", replace: ": false ? 'it is already being deleted'" }],
  },
  {
    id: 'prune-continues-when-unreachable', area: 'prune', file: 'src/core/sync/prune.ts', tests: PRUNE_TESTS,
    what: 'prune goes on (and reports success-ish) after the API server became unreachable',
    edits: [{ find: "if (isClusterError(e) && (e.kind === 'unreachable' || e.kind === 'unauthorized')) {", replace: 'if (false) {' }],
  },
  {
    id: 'plan-prune-false', area: 'prune', file: 'src/core/sync/plan.ts', tests: PRUNE_TESTS,
    what: 'plan prunes objects annotated Prune=false',
    edits: [{ find: "if (syncOpts.includes('Prune=false')) return", replace: "if (false) return" }],
  },
  {
    id: 'plan-flux-prune-disabled', area: 'prune', file: 'src/core/sync/plan.ts', tests: PRUNE_TESTS,
    what: 'plan prunes objects marked kustomize.toolkit.fluxcd.io/prune: disabled',
    edits: [{ find: "if (meta.annotations?.[FLUX_PRUNE] === 'disabled' || meta.labels?.[FLUX_PRUNE] === 'disabled') return", replace: 'if (false) return' }],
  },
  {
    id: 'plan-empty-desired', area: 'prune', file: 'src/core/sync/plan.ts', tests: PRUNE_TESTS,
    what: 'an app that renders nothing prunes everything it tracks',
    edits: [{ find: "if (c.emptyDesired) return 'Extra, kept: the app renders nothing; refusing to prune everything';", replace: '' }],
  },
  {
    id: 'plan-incomplete-listing', area: 'prune', file: 'src/core/sync/plan.ts', tests: PRUNE_TESTS,
    what: 'prune proceeds although the live listing was incomplete',
    edits: [{ find: "if (!c.complete) return 'Extra, kept: the live listing was incomplete, so pruning is unsafe';", replace: '' }],
  },
  {
    id: 'extra-untracked', area: 'prune', file: 'src/core/diff/extra.ts', tests: [...PRUNE_TESTS, 'test/diff/drift.test.ts'],
    what: 'objects the app does not track count as Extra (and get pruned)',
    edits: [{ find: '!desiredKeys.has(key) && tracker.tracks(object, id)', replace: '!desiredKeys.has(key)' }],
  },
  {
    id: 'execute-ignores-plan-errors', area: 'prune', file: 'src/core/sync/execute.ts', tests: PRUNE_TESTS,
    what: 'a plan with errors (empty desired, failed dry-run) is executed anyway',
    edits: [{ find: "const errors = plan.problems.filter((p) => p.severity === 'error');", replace: "const errors = plan.problems.filter((p) => p.severity === 'fatal');" }],
  },
  // ---- masking ----------------------------------------------------------------------------
  {
    id: 'mask-secret-noop', area: 'masking', file: 'src/core/diff/normalize.ts', tests: MASK_TESTS,
    what: 'Secret values are not masked at all',
    edits: [{ find: 'if (!isSecret(o)) return o;\n  const out', replace: 'return o;\n  const out' }],
  },
  {
    id: 'mask-stringdata', area: 'masking', file: 'src/core/diff/normalize.ts', tests: MASK_TESTS,
    what: 'Secret stringData values are shown in clear',
    edits: [{ find: "for (const field of ['data', 'stringData'] as const) {", replace: "for (const field of ['data'] as const) {" }],
  },
  {
    id: 'mask-lone-object', area: 'masking', file: 'src/core/diff/resource.ts', tests: MASK_TESTS,
    what: 'a Missing or Extra Secret is shown in clear (normalizedView does not mask)',
    edits: [{ find: 'return o ? maskSecret(normalizeObject(o, { keepStatus: false })) : undefined;', replace: 'return o ? normalizeObject(o, { keepStatus: false }) : undefined;' }],
  },
  {
    id: 'mask-two-way-desired', area: 'masking', file: 'src/core/diff/resource.ts', tests: MASK_TESTS,
    what: 'the two-way diff (no dry-run rights) shows the desired Secret value in clear',
    edits: [{ find: 'const desN = strip(maskSecret(normalizeObject(input.desired, { keepStatus })));', replace: 'const desN = strip(normalizeObject(input.desired, { keepStatus }));' }],
  },
  // ---- unknown: an unreachable or forbidden cluster is Unknown, never Missing ----------------
  {
    id: 'unknown-down-from-start', area: 'unknown', issue16: 3, file: 'src/core/diff/engine.ts', tests: UNKNOWN_TESTS,
    what: 'a cluster down from the start: resources reported Missing instead of Unknown',
    edits: [{ find: "const resources = render.resources.map((r): ResourceDiff => ({ id: r.id, key: resourceKey(r.id), status: 'Unknown',", replace: "const resources = render.resources.map((r): ResourceDiff => ({ id: r.id, key: resourceKey(r.id), status: 'Missing'," }],
  },
  {
    id: 'unknown-lookup-as-missing', area: 'unknown', file: 'src/core/diff/engine.ts', tests: UNKNOWN_TESTS,
    what: 'an object the cache could not see (unreachable, forbidden) is reported Missing',
    edits: [{ find: "if (look.state === 'unknown') {\n      return { diff: { ...baseDiff, status: 'Unknown',", replace: "if (look.state === 'unknown') {\n      return { diff: { ...baseDiff, status: 'Missing'," }],
  },
  {
    id: 'unknown-summary', area: 'unknown', file: 'src/core/diff/engine.ts', tests: UNKNOWN_TESTS,
    what: 'an app with Unknown resources is summarized Synced/OutOfSync',
    edits: [{ find: "renderFailed || counts.Unknown > 0 ? 'Unknown'", replace: "renderFailed ? 'Unknown'" }],
  },
  {
    id: 'unknown-cli-exit', area: 'unknown', issue16: 3, file: 'src/cli/diff.ts', tests: UNKNOWN_TESTS,
    what: '`gitops-lens diff` exits 0/1 (not 2) when the app is Unknown',
    edits: [{ find: "if (results.some((r) => r.error || r.diff?.summary.status === 'Unknown')) return EXIT.error;", replace: 'if (results.some((r) => r.error)) return EXIT.error;' }],
  },
  {
    id: 'unknown-other-watch-down', area: 'unknown', file: 'src/core/cluster/cache.ts', tests: UNKNOWN_TESTS,
    what: 'cached objects of a kind whose watch has not noticed the outage pass for live ones',
    edits: [{ find: "if (down) return { state: 'unknown',", replace: "if (false) return { state: 'unknown'," }],
  },
  {
    id: 'unknown-plan-unreachable', area: 'unknown', file: 'src/core/sync/plan.ts', tests: UNKNOWN_TESTS,
    what: 'a plan against an unreachable cluster is not an error (so a sync is not refused)',
    edits: [{ find: "problems.push({ code: 'live-read-failed', severity: 'error', message: `cannot read the API of context", replace: "problems.push({ code: 'live-read-failed', severity: 'warning', message: `cannot read the API of context" }],
  },
  // ---- adopt ------------------------------------------------------------------------------
  {
    id: 'adopt-secret', area: 'adopt', issue16: 4, file: 'src/core/revert/adopt.ts', tests: ADOPT_TESTS,
    what: "Adopt Live writes a Secret's data/stringData into Git",
    edits: [{ find: "if (res.id.kind === 'Secret' && (segs[0] === 'data' || segs[0] === 'stringData'))", replace: "if (res.id.kind === 'Secret' && false)" }],
  },
  {
    id: 'adopt-map-indent', area: 'adopt', issue16: 8, file: 'src/core/manifest/edit.ts', tests: ADOPT_TESTS,
    what: 'a map adopted over a flow value is written two columns too deep',
    variants: [
      [{ find: "const indent = ' '.repeat(keyIndent(text, s) + 2);", replace: "const indent = ' '.repeat(keyIndent(text, s) + 4);" }],
      [{ find: 'wasBlock ? col : parentIndent + 2', replace: 'wasBlock ? col : parentIndent + 4' }],
    ],
  },
  {
    id: 'adopt-block-end', area: 'adopt', issue16: 8, file: 'src/core/manifest/edit.ts', tests: ADOPT_TESTS,
    what: 'a replaced block value loses what followed it (the line break, the final newline)',
    edits: [{ find: 'const trailing = /\\s*$/.exec(old)![0];', replace: "const trailing = '';" }],
  },
  {
    id: 'adopt-kustomize-patch', area: 'adopt', file: 'src/core/revert/adopt.ts', tests: ADOPT_TESTS,
    what: 'adopt edits the base although a kustomize patch changes the value',
    edits: [{ find: 'if (JSON.stringify(inSource.value) !== JSON.stringify(rendered.value)) return', replace: 'if (false) return' }],
  },
  {
    id: 'adopt-helm', area: 'adopt', file: 'src/core/revert/adopt.ts', tests: ADOPT_TESTS,
    what: 'adopt edits a Helm template',
    edits: [{ find: "if (origin.via === 'helm-source') return", replace: 'if (false) return' }],
  },
  // ---- kubeconfig -------------------------------------------------------------------------
  {
    id: 'kubeconfig-written', area: 'kubeconfig', file: 'src/core/cluster/kubeconfig.ts', tests: KUBECONFIG_TESTS,
    what: "the user's kubeconfig is saved with the app's context as current context",
    edits: [
      { find: "import { existsSync } from 'node:fs';", replace: "import { existsSync, writeFileSync } from 'node:fs';" },
      { find: 'export function kubeConfigForContext(loaded: LoadedKubeconfig, context: string): KubeConfig {\n', replace: 'export function kubeConfigForContext(loaded: LoadedKubeconfig, context: string): KubeConfig {\n  if (loaded.files[0]) { loaded.config.setCurrentContext(context); writeFileSync(loaded.files[0], loaded.config.exportConfig()); }\n' },
    ],
  },
  {
    id: 'kubeconfig-shared-current', area: 'kubeconfig', file: 'src/core/cluster/kubeconfig.ts', tests: KUBECONFIG_TESTS,
    what: "a client switches the loaded kubeconfig's current context instead of using a copy",
    edits: [{ find: '  const kc = new KubeConfig();\n  kc.loadFromOptions({ clusters: loaded.config.clusters, users: loaded.config.users, contexts: loaded.config.contexts, currentContext: context });\n  return kc;', replace: '  loaded.config.setCurrentContext(context);\n  return loaded.config;' }],
  },
  {
    id: 'kubeconfig-first-file-only', area: 'kubeconfig', file: 'src/core/cluster/kubeconfig.ts', tests: KUBECONFIG_TESTS,
    what: 'only the first file of $KUBECONFIG is read',
    edits: [{ find: 'if (env.KUBECONFIG) return env.KUBECONFIG.split(delimiter).filter(Boolean);', replace: 'if (env.KUBECONFIG) return env.KUBECONFIG.split(delimiter).filter(Boolean).slice(0, 1);' }],
  },
  // ---- ordering ---------------------------------------------------------------------------
  {
    id: 'order-no-waves', area: 'ordering', file: 'src/core/sync/order.ts', tests: ORDER_TESTS,
    what: 'sync waves are ignored',
    edits: [{ find: '|| a.wave - b.wave\n', replace: '\n' }],
  },
  {
    id: 'order-no-kind-order', area: 'ordering', file: 'src/core/sync/order.ts', tests: ORDER_TESTS,
    what: 'no kind order inside a wave (Namespace, CRD not first)',
    edits: [{ find: 'return i >= 0 && BUILTIN_GROUPS.has(id.group) ? i : KIND_ORDER.length;', replace: 'return KIND_ORDER.length;' }],
  },
  {
    id: 'order-prune-forward', area: 'ordering', file: 'src/core/sync/plan.ts', tests: ORDER_TESTS,
    what: 'prune in wave order instead of reverse wave order',
    edits: [{ find: '|| b.wave - a.wave || compareTasks(b, a)', replace: '|| a.wave - b.wave || compareTasks(a, b)' }],
  },
  {
    id: 'order-prune-last', area: 'ordering', file: 'src/core/sync/plan.ts', tests: ORDER_TESTS,
    what: 'PruneLast=true is not pruned last',
    edits: [{ find: 'Number(!!a.pruneLast) - Number(!!b.pruneLast) || ', replace: '' }],
  },
  {
    id: 'order-no-namespace-hoist', area: 'ordering', file: 'src/core/sync/order.ts', tests: ORDER_TESTS,
    what: 'a Namespace is not moved to the wave of the first resource in it',
    edits: [{ find: "if (t.id.group === '' && t.id.kind === 'Namespace') deps =", replace: "if (false) deps =" }],
  },
  {
    id: 'order-no-health-wait', area: 'ordering', file: 'src/core/sync/apply-plan.ts', tests: ORDER_TESTS,
    what: 'the next wave starts without waiting for the previous one to be healthy',
    edits: [{ find: 'if (!last || opts.waitLastWave) {', replace: 'if (false) {' }],
  },
  // ---- the other survivors of issue 16 ----------------------------------------------------
  {
    id: 'diff-port-protocol', area: 'diff', issue16: 5, file: 'src/core/diff/list-pairing.ts', tests: ['test/diff/access.test.ts', 'test/diff/rules.test.ts'],
    what: 'the list merge key does not default container-port protocol to TCP (false changes in the two-way diff)',
    edits: [{ find: "(f === 'protocol' ? 'TCP' : null)", replace: 'null' }],
  },
  {
    id: 'flux-default-on-empty', area: 'flux', issue16: 6, file: 'src/core/render/envsubst.ts', tests: ['test/core/apps/flux-fleets.test.ts'],
    what: 'Flux ${VAR:=default} with VAR set to the empty string keeps ""',
    edits: [{ find: "    default: return v.length === 0 && args.length > 0 ? args.join('') : v; // every default form", replace: "    case ':=': return v;\n    default: return v.length === 0 && args.length > 0 ? args.join('') : v; // every default form" }],
  },
  {
    id: 'argo-appset-lists', area: 'argo', issue16: 7, file: 'src/core/apps/appset.ts', tests: ['test/core/apps/appset-generators.test.ts'],
    what: 'ApplicationSet template values inside lists (sources[], valueFiles, syncOptions) are not filled in',
    edits: [{ find: 'if (Array.isArray(v)) return v.map((x) => substitute(x, params, goTemplate, options));', replace: 'if (Array.isArray(v)) return v;' }],
  },
  // ---- one sync per app at a time -------------------------------------------------------
  {
    id: 'lock-not-exclusive', area: 'lock', file: 'src/core/sync/lock.ts', tests: ['test/sync/concurrency.test.ts'],
    what: 'the app lock is taken although another sync holds it',
    variants: [
      [{ find: '    await link(tmp, path);\n    return true;', replace: '    await link(tmp, path).catch(() => undefined);\n    return true;' }],
      [{ find: "const fh = await open(path, 'wx');", replace: "const fh = await open(path, 'w');" }],
    ],
  },
  {
    id: 'lock-wait-silent', area: 'lock', file: 'src/core/sync/lock.ts', tests: ['test/sync/concurrency.test.ts'],
    what: 'a sync waiting for the lock does not say so (no lock-wait event)',
    variants: [
      [{ find: 'if (!announced) { opts.onWait?.(holder); announced = true; }', replace: '' }],
      [{ find: 'if (!announced && holder) { opts.onWait?.(holder); announced = true; }', replace: '' }],
    ],
  },
  // ---- bugs the weak tests of issue 16 let through ------------------------------------------
  {
    id: 'weak-lint-rendered-position', area: 'weak', file: 'src/core/policy/engine.ts', tests: ['test/cli/lint.test.ts'],
    what: 'findings on rendered objects land on the start of their source document, not on the field',
    edits: [{ find: "const range: Range = r.range ?? (loc && (loc.exact || !rendered || rendered.via === 'file') ? loc.range : doc.range);", replace: 'const range: Range = r.range ?? (loc && !rendered ? loc.range : doc.range);' }],
  },
  {
    id: 'weak-journal-order', area: 'weak', file: 'src/core/journal/journal.ts', tests: ['test/journal/journal.test.ts'],
    what: 'the journal is read in reverse file order instead of newest first',
    edits: [{ find: 'entries.sort((a, b) => b.time.localeCompare(a.time));', replace: 'entries.reverse();' }],
  },
  {
    id: 'weak-discover-nothing', area: 'weak', file: 'src/core/apps/discover.ts', tests: ['test/core/apps/discover.test.ts', 'test/core/apps/example.test.ts'],
    what: 'without kubeconfig contexts discovery finds no apps at all',
    edits: [{ find: 'return { apps: dedupe(apps), unsupported, config };', replace: 'return { apps: contexts.length ? dedupe(apps) : [], unsupported, config };' }],
  },
  {
    id: 'weak-big-file-skipped', area: 'weak', file: 'src/core/policy/engine.ts', tests: ['test/core/policy/robustness.test.ts'],
    what: 'files over 4 MB are silently not linted',
    edits: [{ find: '  lintFile(file: ManifestFile, opts: LintFileOptions = {}): Finding[] {\n', replace: '  lintFile(file: ManifestFile, opts: LintFileOptions = {}): Finding[] {\n    if (file.text.length > 4 << 20) return [];\n' }],
  },
  {
    id: 'weak-yaml-error-position', area: 'weak', file: 'src/core/manifest/parse.ts', tests: ['test/core/policy/robustness.test.ts'],
    what: "YAML errors reported one character before where the parser puts them",
    edits: [{ find: "...doc.errors.map((e) => ({ message: e.message.split('\\n')[0], range: rangeOf(lc, e.pos[0], e.pos[1]),", replace: "...doc.errors.map((e) => ({ message: e.message.split('\\n')[0], range: rangeOf(lc, e.pos[0] - 1, e.pos[1])," }],
  },
  {
    id: 'weak-ignore-next-item', area: 'weak', file: 'src/core/policy/ignore.ts', tests: ['test/core/policy/ignore.test.ts'],
    what: 'an ignore directive before a list item silences the next item instead',
    edits: [{
      find: "out.push({ rules, reason: m[2]?.trim() || undefined, line: i, from: n, to: end, scope: 'block' });",
      replace: "if (/^\\s*- /.test(lines[n]) && /^\\s*- /.test(lines[end + 1] ?? '')) { let e2 = end + 1; for (let j = end + 2; j < lines.length; j++) { if (/^\\s*(#.*)?$/.test(lines[j])) continue; if (indentOf(lines[j]) <= indent || /^(---|\\.\\.\\.)/.test(lines[j])) break; e2 = j; } out.push({ rules, reason: m[2]?.trim() || undefined, line: i, from: end + 1, to: e2, scope: 'block' }); } else out.push({ rules, reason: m[2]?.trim() || undefined, line: i, from: n, to: end, scope: 'block' });",
    }],
  },
];
