import type { GitOpsApp } from '../apps/types';
import { FIELD_MANAGER, findResource, isClusterError, type ClusterClient, type Discovery } from '../cluster';
import { compareResource, compileIgnores, normalizedView, unifiedDiff, type CompiledIgnore } from '../diff';
import { APPLYSET_GROUP_KINDS, APPLYSET_NAMESPACES, applySetParentObject, groupKindsAnnotation, parseGroupKinds, trackerFor } from '../diff/tracking';
import { findExtra } from '../diff/extra';
import { prepareDesired } from '../placement';
import { describeId, type KubeObject } from '../manifest';
import { listTracked } from './live';
import { compareTasks, hoistDependencies, placeOf, syncOptionsOf, WAVE_ANNOTATION } from './order';
import type { ControllerInfo, DesiredState, PlanProblem, SyncPlan, SyncTask, TaskAction } from './types';
import { mapLimit } from '../async';

export interface PlanOptions {
  /** Make Extra resources `prune` tasks (otherwise they are listed as `skip`). */
  prune?: boolean;
  /** Only these resource keys (`resourceKey`): re-apply one resource. No prune then. */
  only?: string[];
  /** Parallel requests to the API server. Default 8. */
  concurrency?: number;
  signal?: AbortSignal;
}

const FLUX_PRUNE = 'kustomize.toolkit.fluxcd.io/prune';

/**
 * What a sync would do, computed without writing anything: every task ordered and
 * dry-run on the server, every Extra resource found through tracking, every problem listed
 * at once. Sync consumes this plan; it does not recompute it.
 */
export async function planSync(desired: DesiredState, client: ClusterClient, opts: PlanOptions = {}): Promise<SyncPlan> {
  const { app, render, revision } = desired;
  const limit = opts.concurrency ?? 8;
  const problems: PlanProblem[] = [];
  const plan: SyncPlan = {
    appId: app.id, appName: app.name, appKind: app.kind, repoRoot: desired.repoRoot, context: client.context, server: client.server, revision,
    createdAt: new Date().toISOString(), prune: !!opts.prune && !opts.only, tasks: [], problems, liveComplete: true,
    controller: controllerOf(app), summary: { create: 0, configure: 0, unchanged: 0, prune: 0, skip: 0 }, ok: false,
  };
  if (plan.controller) problems.push({ code: 'controller', severity: 'warning', message: `${plan.controller.reason}; a sync from here would fight it. Ask it to reconcile instead, or force.` });
  if (!render.ok) {
    for (const p of render.problems) problems.push({ code: 'render-failed', severity: 'error', message: p.message, source: p.file && p.range ? { file: p.file, range: p.range } : undefined });
    if (render.problems.length === 0) problems.push({ code: 'render-failed', severity: 'error', message: `${app.id} could not be rendered` });
    return finish(plan);
  }

  let discovery: Discovery;
  try {
    discovery = await client.discover();
  } catch (e) {
    problems.push({ code: 'live-read-failed', severity: 'error', message: `cannot read the API of context "${client.context}": ${(e as Error).message}` });
    return finish(plan);
  }
  // Desired objects placed and stamped by the rule drift uses too (core/placement).
  const prepared = prepareDesired(render, app, { discovery, contextNamespace: client.defaultNamespace });
  const applySet = prepared.applySet;
  // The app's ignoreDifferences decide what counts as a change, as in the drift view.
  const { rules: ignores, problems: ignoreProblems } = compileIgnores(app.ignoreDifferences);
  for (const p of ignoreProblems) problems.push({ code: 'ignore-rule', severity: 'warning', message: `${p.rule}: ${p.message}` });

  // Desired objects: namespace defaulted, tracking stamped, placed in phase and wave.
  const seen = new Map<string, SyncTask>();
  const applyTasks: SyncTask[] = [];
  for (const p of prepared.resources) {
    const r = p.resource;
    const source = r.origin ? { file: r.origin.file, range: r.origin.range } : undefined;
    if (p.scope.namespaced === undefined) {
      problems.push({ code: 'unknown-kind', severity: 'error', message: `${describeId(r.id)}: the cluster does not serve ${r.id.kind}${r.id.group ? `.${r.id.group}` : ''} and no CRD in this app defines it`, key: p.key, source });
    }
    const { id, key } = p;
    if (opts.only && !opts.only.includes(key)) continue;
    if (seen.has(key)) {
      problems.push({ code: 'duplicate', severity: 'error', message: `${describeId(id)} is rendered more than once`, key, source });
      continue;
    }
    const place = placeOf(app.kind, p.object, id);
    if (place.problem) problems.push({ code: 'wave', severity: 'warning', message: `${describeId(id)}: ${place.problem}`, key, source });
    const task: SyncTask = {
      key, id, phase: place.phase, wave: place.wave, action: place.skip ? 'skip' : 'create', reason: place.skip,
      desired: p.object, source, originVia: r.origin?.via, dryRun: { status: 'not-run' }, changes: [], diff: '',
    };
    seen.set(key, task);
    applyTasks.push(task);
  }
  hoistDependencies(applyTasks);

  // Live state of each desired object, then a dry-run apply of each.
  const newNamespaces = new Set<string>();
  const newKinds = new Set<string>();
  await mapLimit(applyTasks, limit, async (t) => {
    try {
      t.live = await client.get(t.id, { signal: opts.signal });
    } catch (e) {
      if (isClusterError(e) && e.kind === 'not-found') t.live = null;
      else {
        t.live = undefined;
        problems.push({ code: 'live-read-failed', severity: 'error', message: `${describeId(t.id)}: ${(e as Error).message}`, key: t.key, source: t.source });
      }
    }
  });
  for (const t of applyTasks) {
    if (t.id.group === '' && t.id.kind === 'Namespace' && t.live === null && t.action !== 'skip') newNamespaces.add(t.id.name);
    if (t.id.kind === 'CustomResourceDefinition' && t.action !== 'skip') {
      const spec = (t.desired?.spec ?? {}) as { group?: string; names?: { kind?: string } };
      if (!findResource(discovery, spec.group ?? '', spec.names?.kind ?? '')) newKinds.add(`${spec.group}/${spec.names?.kind}`);
    }
  }
  await mapLimit(applyTasks, limit, async (t) => {
    if (t.action === 'skip' || t.live === undefined || !t.desired) return;
    if (newKinds.has(`${t.id.group}/${t.id.kind}`)) {
      t.dryRun = { status: 'deferred', note: `its CRD is created by this sync; validated when applied` };
    } else if (t.id.namespace && newNamespaces.has(t.id.namespace)) {
      t.dryRun = { status: 'deferred', note: `namespace ${t.id.namespace} is created by this sync; validated when applied` };
    } else {
      try {
        const merged = await client.apply(t.desired, { dryRun: true, force: true, signal: opts.signal });
        t.dryRun = { status: 'ok' };
        describeChange(t, ignores, merged);
        return;
      } catch (e) {
        const invalid = isClusterError(e) ? e.invalidFields?.map((f) => ({ field: f.field, message: f.message })) : undefined;
        t.dryRun = { status: 'failed', error: (e as Error).message, invalidFields: invalid };
        problems.push({ code: 'dry-run-failed', severity: 'error', message: `${describeId(t.id)}: ${(e as Error).message}`, key: t.key, source: t.source });
      }
    }
    describeChange(t, ignores);
  });

  // Extra: tracked live objects that are no longer desired.
  const pruneTasks: SyncTask[] = [];
  if (!opts.only) {
    const listed = await listTracked(client, app, discovery, { applySet, desired: applyTasks.map((t) => t.id), signal: opts.signal, concurrency: limit });
    plan.liveComplete = listed.complete;
    for (const p of listed.problems) problems.push({ code: 'listing-incomplete', severity: opts.prune ? 'error' : 'warning', message: p });
    for (const { object: live, id, key } of findExtra(listed.items, new Set(seen.keys()), trackerFor(app, applySet))) {
      const wave = Number(live.metadata?.annotations?.[WAVE_ANNOTATION] ?? 0) || 0;
      const opts2 = [...syncOptionsOf(live), ...app.syncOptions];
      const t: SyncTask = {
        key, id, phase: 'Sync', wave, action: 'prune', live, dryRun: { status: 'not-run' }, changes: [], diff: '',
        pruneLast: opts2.includes('PruneLast=true'),
      };
      describeChange(t, ignores);
      const why = pruneBlocker(app, live, { requested: !!opts.prune, complete: listed.complete, emptyDesired: render.resources.length === 0 });
      if (why) { t.action = 'skip'; t.reason = why; }
      else t.reason = 'Extra: tracked by this app and no longer in Git';
      pruneTasks.push(t);
    }
    if (opts.prune && render.resources.length === 0) problems.push({ code: 'empty-desired', severity: 'error', message: `${app.id} renders no resources: refusing to prune everything it tracks (${pruneTasks.length} object(s))` });
  }
  applyTasks.sort(compareTasks);
  // Prune in reverse wave order, PruneLast at the very end.
  pruneTasks.sort((a, b) => Number(!!a.pruneLast) - Number(!!b.pruneLast) || b.wave - a.wave || compareTasks(b, a));
  plan.tasks = [...applyTasks, ...pruneTasks];

  if (applySet) {
    const members = applyTasks.filter((t) => t.action !== 'skip');
    const groupKinds = groupKindsAnnotation(members.map((t) => t.id));
    const namespaces = [...new Set(members.map((t) => t.id.namespace).filter((n): n is string => !!n))];
    let existing: KubeObject | null = null;
    try { existing = await client.get({ group: '', version: 'v1', kind: 'Secret', namespace: applySet.namespace, name: applySet.name }); } catch { existing = null; }
    // KEP-3659: before the members change, the parent lists the union of old and new group-kinds.
    const oldGks = parseGroupKinds(existing?.metadata?.annotations?.[APPLYSET_GROUP_KINDS]);
    const oldNs = (existing?.metadata?.annotations?.[APPLYSET_NAMESPACES] ?? '').split(',').filter(Boolean);
    const union = groupKindsAnnotation([...members.map((t) => t.id), ...oldGks]);
    plan.applySet = { parent: applySetParentObject(applySet, union, [...namespaces, ...oldNs]), groupKinds, namespaces };
  }
  return finish(plan);
}

/**
 * Changed fields and diff text of a task, compared by core/diff: server-side against the
 * dry-run result when there is one (fields the apply sets or removes), else the fields set in
 * Git; ignoreDifferences apply. They decide create, configure or unchanged.
 */
function describeChange(t: SyncTask, ignores: CompiledIgnore[], predicted?: KubeObject): void {
  const labels = { oldLabel: `live ${t.key}`, newLabel: t.desired ? `desired ${t.key}` : '/dev/null' };
  if (t.live && t.desired) {
    const res = compareResource({ id: t.id, desired: t.desired, live: t.live, predicted, fieldManager: FIELD_MANAGER, ignores, ownedInLive: true });
    t.changes = res.changes.map((c) => c.path);
    t.diff = t.changes.length ? unifiedDiff(res.pair, labels) : '';
  } else {
    t.changes = [];
    t.diff = unifiedDiff({ id: t.id, live: normalizedView(t.live), desired: normalizedView(t.desired) }, labels);
  }
  if (t.action === 'skip' || t.action === 'prune') return;
  t.action = t.live ? (t.changes.length ? 'configure' : 'unchanged') : 'create';
}

function pruneBlocker(app: GitOpsApp, live: KubeObject, c: { requested: boolean; complete: boolean; emptyDesired: boolean }): string | undefined {
  const meta = live.metadata ?? {};
  const syncOpts = syncOptionsOf(live);
  if (syncOpts.includes('Prune=false')) return 'Extra, kept: annotated argocd.argoproj.io/sync-options: Prune=false';
  if (meta.annotations?.[FLUX_PRUNE] === 'disabled' || meta.labels?.[FLUX_PRUNE] === 'disabled') return `Extra, kept: ${FLUX_PRUNE}: disabled`;
  if (meta.deletionTimestamp) return 'Extra, already being deleted';
  if (app.flux && !app.flux.prune) return 'Extra, kept: the Flux Kustomization has spec.prune: false';
  if (!c.requested) return 'Extra: would be pruned with --prune';
  if (!c.complete) return 'Extra, kept: the live listing was incomplete, so pruning is unsafe';
  if (c.emptyDesired) return 'Extra, kept: the app renders nothing; refusing to prune everything';
  return undefined;
}

/** Whether a controller in the cluster also reconciles this app. */
export function controllerOf(app: GitOpsApp): ControllerInfo | undefined {
  if (app.kind === 'argo-application' && app.automated) return { kind: 'argocd', reason: `Argo CD syncs ${app.name} automatically (syncPolicy.automated${app.selfHeal ? ' with selfHeal' : ''})` };
  if ((app.kind === 'flux-kustomization' || app.kind === 'flux-helmrelease') && !app.flux?.suspend) return { kind: 'flux', reason: `Flux reconciles ${app.name} (spec.suspend is not true)` };
  return undefined;
}

function finish(plan: SyncPlan): SyncPlan {
  const summary: Record<TaskAction, number> = { create: 0, configure: 0, unchanged: 0, prune: 0, skip: 0 };
  for (const t of plan.tasks) summary[t.action]++;
  plan.summary = summary;
  plan.ok = !plan.problems.some((p) => p.severity === 'error');
  return plan;
}
