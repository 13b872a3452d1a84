import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { isCollection, isPair, parse as parseYaml, parseAllDocuments, visit } from 'yaml';
import type { FileRole } from '../manifest';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** The kustomization file of a folder, if it has one. */
export function kustomizationFile(dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
}

/** Patch files named by a kustomization: they are fragments, not resources. */
export function patchFilesOf(kustomizationText: string, dir: string): string[] {
  let k: Record<string, unknown>;
  try {
    k = parseYaml(kustomizationText) as Record<string, unknown>;
  } catch {
    return [];
  }
  if (!k || typeof k !== 'object') return [];
  const out: string[] = [];
  const asFile = (p: unknown) => typeof p === 'string' && !p.includes('\n') && out.push(resolve(dir, p));
  for (const p of (k.patchesStrategicMerge as unknown[]) ?? []) asFile(p);
  for (const key of ['patches', 'patchesJson6902']) {
    for (const p of (k[key] as { path?: unknown }[]) ?? []) if (p && typeof p === 'object') asFile(p.path);
  }
  return out;
}

const patchCache = new Map<string, { mtimeMs: number; patches: Set<string> }>();

/**
 * True when a kustomization in this file's folder or one of the few folders above names it
 * as a patch. Read from disk, cached by the kustomization's modification time.
 */
export function isKustomizePatch(file: string, levels = 3): boolean {
  let d = dirname(file);
  for (let i = 0; i < levels; i++) {
    for (const k of KUSTOMIZATION_FILES) {
      const kfile = join(d, k);
      if (!existsSync(kfile)) continue;
      let mtimeMs = 0;
      try { mtimeMs = statSync(kfile).mtimeMs; } catch { continue; }
      let entry = patchCache.get(kfile);
      if (!entry || entry.mtimeMs !== mtimeMs) {
        let text = '';
        try { text = readFileSync(kfile, 'utf8'); } catch { /* unreadable: no patches */ }
        entry = { mtimeMs, patches: new Set(patchFilesOf(text, d)) };
        patchCache.set(kfile, entry);
      }
      if (entry.patches.has(file)) return true;
    }
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  return false;
}

/** Where charts and patches are: what a file's role depends on besides its own name and text. */
export interface RepoLayout {
  /** Absolute folders holding a Chart.yaml. */
  chartDirs: Set<string>;
  /** Absolute paths that a kustomization of the repo names as a patch. */
  patchFiles: Set<string>;
}

/** Another tool's templates by name: task-runner and generator templates (`app.tmpl.yaml`, `x.j2.yaml`). */
const TEMPLATE_NAME = /\.(tmpl|tpl|gotmpl|j2|jinja2?)\.ya?ml$/i;

/**
 * What a YAML file is for — the one rule for the CLI, the editor and app discovery. Where the
 * two earlier classifiers disagreed: a chart's `crds/` files are manifests (Helm installs them
 * verbatim, so they are linted like any manifest); patches are found through every
 * kustomization of the repo, not only those up to three folders above; chart folders at any
 * depth count; dotfiles and gitops-lens.yaml are other tools' configuration.
 */
export function roleOf(abs: string, layout: RepoLayout, text?: string): FileRole {
  const name = basename(abs);
  if (KUSTOMIZATION_FILES.includes(name)) return 'kustomization';
  if (layout.patchFiles.has(abs)) return 'kustomize-patch';
  for (let d = dirname(abs); d !== dirname(d); d = dirname(d)) {
    if (!layout.chartDirs.has(d)) continue;
    const inside = relative(d, abs).split(sep);
    if (inside[0] === 'crds') return 'manifests';
    if (inside[0] === 'templates' || inside[0] === 'charts') return 'helm-template';
    if (name === 'Chart.yaml' || name === 'Chart.lock') return 'other';
    return 'helm-values';
  }
  if (name === 'gitops-lens.yaml' || name.startsWith('.') || TEMPLATE_NAME.test(name)) return 'other';
  if (text !== undefined && isForeignTemplate(text)) return 'other';
  return 'manifests';
}

const TEMPLATE_TAG = /\{\{|\{%|\{#/;

/**
 * True when a YAML file is another tool's template (Jinja for Ansible, Go templates for task
 * runners) rather than YAML a reconciler reads: its tags break the YAML, stand where YAML
 * expects structure (`replicas: {{ n }}` reads as a mapping with a mapping for a key), or
 * fill in an object's identity. The same characters inside strings are data — an
 * ExternalSecret's or ApplicationSet's template, Prometheus annotations — and stay manifests.
 */
export function isForeignTemplate(text: string): boolean {
  if (!TEMPLATE_TAG.test(text)) return false;
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  for (const doc of Array.isArray(docs) ? docs : []) {
    if (doc.errors.length > 0) return true;
    let templated = false;
    visit(doc, {
      Pair(_k, pair, path) {
        if (isCollection(pair.key)) { templated = true; return visit.BREAK; }
        // Identity fields: apiVersion and kind at the top, name and namespace in the top metadata.
        const key = String((pair.key as { value?: unknown } | null)?.value ?? '');
        const value = (pair.value as { value?: unknown } | null)?.value;
        const depth = path.filter((n) => isPair(n)).length;
        const identity = (depth === 0 && (key === 'apiVersion' || key === 'kind')) || (depth === 1 && (key === 'name' || key === 'namespace') && String((path.find(isPair)?.key as { value?: unknown } | undefined)?.value) === 'metadata');
        if (identity && typeof value === 'string' && TEMPLATE_TAG.test(value)) { templated = true; return visit.BREAK; }
        return undefined;
      },
    });
    if (templated) return true;
  }
  return false;
}
