import { posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../manifest';
import { arr, isThisRepo, obj, problemAt, str, type DeclContext } from './declare';
import { executeGoTemplate, TemplateError } from './gotemplate';
import { applyTemplatePatch } from './template-patch';
import type { AppProblem } from './types';

/** A cluster as the `clusters` generator sees an Argo CD cluster secret. */
export interface AppSetCluster { name: string; server: string; labels: Record<string, string>; annotations: Record<string, string> }

/** What generators read: folders and files of this repository, and the known clusters. */
export interface AppSetInputs {
  /** Repo-relative folders matching Argo's git-directory globs. */
  listDirs(globs: string[]): string[];
  /** Repo-relative files matching git-files globs (doublestar: `**` crosses folders). */
  listFiles(globs: string[]): string[];
  read(rel: string): string | undefined;
  clusters: AppSetCluster[];
}

export interface ExpandedApplicationSet { apps: KubeObject[]; problems: AppProblem[]; unsupported: string[] }

type Params = Record<string, unknown>;
class Unsupported extends Error {}

/**
 * ApplicationSet generators evaluated offline as Argo CD's applicationset controller does:
 * list, git directories and files (this repository), clusters (gitops-lens.yaml or kubeconfig
 * contexts), matrix and merge; templates with fasttemplate `{{key}}` or Go templates.
 */
export function expandApplicationSet(c: DeclContext, inputs: AppSetInputs): ExpandedApplicationSet {
  const spec = obj(c.object.spec);
  const goTemplate = spec.goTemplate === true;
  const options = arr(spec.goTemplateOptions).map(String);
  const out: ExpandedApplicationSet = { apps: [], problems: [], unsupported: [] };
  const render = (v: unknown, p: Params, opts = options) => substitute(v, p, goTemplate, opts);
  // templatePatch: rendered with the same parameters (as one string), then merged onto the Application.
  const patched = (app: KubeObject, patch: string, p: Params): KubeObject => {
    try {
      return applyTemplatePatch(app, String(render(patch, p)));
    } catch (e) {
      throw new PatchError((e as Error).message);
    }
  };
  const gen = new Generators(c, inputs, goTemplate, options, render);
  for (const [gi, g] of arr(spec.generators).entries()) {
    let params: Params[];
    try {
      params = gen.params(obj(g), `generators[${gi}]`);
    } catch (e) {
      if (e instanceof Unsupported) out.unsupported.push(e.message);
      else out.problems.push(problemAt(c, ['spec', 'generators', gi], `generators[${gi}]: ${(e as Error).message}`, 'appset-generator', 'warning'));
      continue;
    }
    const template = obj(obj(g).template ?? spec.template); // a generator may carry its own template
    for (const p of params) {
      try {
        const t = obj(render(template, p));
        const app: KubeObject = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { namespace: str(c.object.metadata?.namespace), ...obj(t.metadata) }, spec: t.spec };
        out.apps.push(typeof spec.templatePatch === 'string' ? patched(app, spec.templatePatch, p) : app);
      } catch (e) {
        const where = e instanceof PatchError ? ['spec', 'templatePatch'] : ['spec', 'template'];
        out.problems.push(problemAt(c, where, `${where[1]}: ${(e as Error).message}`, 'template', 'warning'));
      }
    }
  }
  return out;
}

class PatchError extends Error {}

class Generators {
  constructor(
    private readonly c: DeclContext,
    private readonly inputs: AppSetInputs,
    private readonly goTemplate: boolean,
    private readonly options: string[],
    private readonly render: (v: unknown, p: Params, opts?: string[]) => unknown,
  ) {}

  params(g: Params, where: string): Params[] {
    const kind = Object.keys(g).find((k) => k !== 'selector' && k !== 'template');
    let list: Params[];
    if (g.list !== undefined) list = this.list(obj(g.list));
    else if (g.git !== undefined) list = this.git(obj(g.git), where);
    else if (g.clusters !== undefined) list = this.clusters(obj(g.clusters));
    else if (g.matrix !== undefined) list = this.matrix(obj(g.matrix), where);
    else if (g.merge !== undefined) list = this.merge(obj(g.merge), where);
    else throw new Unsupported(`${where}.${kind ?? '?'} is not supported offline (it needs the Argo CD controller or an external service)`);
    return g.selector !== undefined ? list.filter((p) => matchesSelector(obj(g.selector), (k) => this.lookup(p, k))) : list;
  }

  private lookup(p: Params, key: string): unknown {
    if (!this.goTemplate) return p[key];
    return key.split('.').reduce<unknown>((v, k) => obj(v)[k], p);
  }

  private list(l: Params): Params[] {
    const elements = arr(l.elements).map(obj);
    if (typeof l.elementsYaml === 'string') elements.push(...arr(parseYaml(l.elementsYaml)).map(obj));
    // fasttemplate mode: nested element values are flattened like Argo's list generator does.
    return this.goTemplate ? elements : elements.map((e) => Object.fromEntries(Object.entries(e).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])));
  }

  private git(git: Params, where: string): Params[] {
    if (!isThisRepo(this.c.repo, str(git.repoURL))) throw new Unsupported(`${where}.git: repository ${str(git.repoURL)} is not this workspace`);
    const prefix = str(git.pathParamPrefix) ?? '';
    const values = obj(git.values);
    if (git.files !== undefined) {
      const items = arr(git.files).map(obj);
      const excluded = new Set(this.inputs.listFiles(items.filter((f) => f.exclude === true).map((f) => String(f.path))));
      const files = this.inputs.listFiles(items.filter((f) => f.exclude !== true).map((f) => String(f.path))).filter((f) => !excluded.has(f)).sort();
      return files.flatMap((f) => this.fileParams(f, prefix, values));
    }
    const dirs = arr(git.directories).map(obj);
    const include = dirs.filter((d) => d.exclude !== true).map((d) => String(d.path));
    const exclude = new Set(this.inputs.listDirs(dirs.filter((d) => d.exclude === true).map((d) => String(d.path))));
    return this.inputs.listDirs(include).filter((d) => !exclude.has(d)).map((d) => this.withValues(this.pathParams(d, undefined, prefix), values));
  }

  /** generateParamsFromGitFile: each object of the file (or of its top-level array) plus path params. */
  private fileParams(file: string, prefix: string, values: Params): Params[] {
    const text = this.inputs.read(file) ?? '';
    const parsed: unknown = parseYaml(text);
    const objects = Array.isArray(parsed) ? parsed.map(obj) : [obj(parsed)];
    return objects.map((o) => {
      const base: Params = this.goTemplate ? { ...o } : flatten(o);
      return this.withValues({ ...base, ...this.pathParams(posix.dirname(file), file, prefix) }, values);
    });
  }

  private pathParams(dir: string, file: string | undefined, prefix: string): Params {
    const sanitize = (s: string) => s.toLowerCase().replace(/[^-a-z0-9.]/g, '-').slice(0, 253).replace(/^[-.]+|[-.]+$/g, '');
    const basename = posix.basename(dir);
    const path: Params = { path: dir, basename, basenameNormalized: sanitize(basename), segments: dir.split('/') };
    if (file) Object.assign(path, { filename: posix.basename(file), filenameNormalized: sanitize(posix.basename(file)) });
    if (this.goTemplate) return prefix ? { [prefix]: { path } } : { path };
    const name = prefix ? `${prefix}.path` : 'path';
    const flat: Params = { [name]: dir, [`${name}.basename`]: basename, [`${name}.basenameNormalized`]: path.basenameNormalized };
    if (file) Object.assign(flat, { [`${name}.filename`]: path.filename, [`${name}.filenameNormalized`]: path.filenameNormalized });
    dir.split('/').forEach((s, i) => s && (flat[`${name}[${i}]`] = s));
    return flat;
  }

  /** appendTemplatedValues: `values` rendered with the generator's params, as `values.x` / `.values.x`. */
  private withValues(p: Params, values: Params): Params {
    if (Object.keys(values).length === 0) return p;
    const rendered = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(this.render(String(v), p))]));
    return this.goTemplate ? { ...p, values: rendered } : { ...p, ...Object.fromEntries(Object.entries(rendered).map(([k, v]) => [`values.${k}`, v])) };
  }

  /** Cluster secrets → params; the in-cluster cluster too when no selector is given (cluster.go). */
  private clusters(g: Params): Params[] {
    const selector = obj(g.selector);
    const selective = Object.keys(obj(selector.matchLabels)).length > 0 || arr(selector.matchExpressions).length > 0;
    const picked = this.inputs.clusters.filter((cl) => matchesSelector(selector, (k) => cl.labels[k]));
    const params: Params[] = picked.map((cl) => {
      const p: Params = { name: cl.name, nameNormalized: cl.name.toLowerCase().replace(/[^-a-z0-9.]/g, '-').replace(/^[-.]+|[-.]+$/g, ''), server: cl.server, project: '' };
      if (this.goTemplate) {
        const meta: Params = {};
        if (Object.keys(cl.annotations).length) meta.annotations = cl.annotations;
        if (Object.keys(cl.labels).length) meta.labels = cl.labels;
        p.metadata = meta;
      } else {
        for (const [k, v] of Object.entries(cl.annotations)) p[`metadata.annotations.${k}`] = v;
        for (const [k, v] of Object.entries(cl.labels)) p[`metadata.labels.${k}`] = v;
      }
      return p;
    });
    if (!selective && !this.inputs.clusters.some((cl) => cl.server === 'https://kubernetes.default.svc')) {
      params.push({ name: 'in-cluster', nameNormalized: 'in-cluster', server: 'https://kubernetes.default.svc', project: '' });
    }
    return params.map((p) => this.withValues(p, obj(g.values)));
  }

  /** Two child generators; the second one's fields are rendered with each parameter set of the first. */
  private matrix(m: Params, where: string): Params[] {
    const gens = arr(m.generators).map(obj);
    if (gens.length !== 2) throw new Error(`matrix needs exactly two child generators, has ${gens.length}`);
    const out: Params[] = [];
    for (const a of this.params(gens[0], `${where}.matrix.generators[0]`)) {
      // RenderGeneratorParams resolves with missingkey=error.
      const second = obj(this.render(gens[1], a, [...this.options.filter((o) => !o.startsWith('missingkey=')), 'missingkey=error']));
      for (const b of this.params(second, `${where}.matrix.generators[1]`)) out.push(this.goTemplate ? deepMerge(deepMerge({}, b), a) : { ...a, ...b });
    }
    return out;
  }

  /** The first generator's sets, each overridden by later sets with the same values of `mergeKeys`. */
  private merge(m: Params, where: string): Params[] {
    const keys = arr(m.mergeKeys).map(String);
    if (keys.length === 0) throw new Error('merge needs mergeKeys');
    const gens = arr(m.generators).map(obj);
    if (gens.length < 2) throw new Error('merge needs at least two child generators');
    const keyOf = (p: Params) => JSON.stringify(Object.fromEntries([...new Set(keys)].sort().map((k) => [k, p[k] ?? null])));
    const byKey = (list: Params[]) => {
      const map = new Map<string, Params>();
      for (const p of list) {
        const k = keyOf(p);
        if (map.has(k)) throw new Error(`merge: more than one parameter set has the merge key ${k}`);
        map.set(k, p);
      }
      return map;
    };
    const base = byKey(this.params(gens[0], `${where}.merge.generators[0]`));
    for (const [i, g] of gens.slice(1).entries()) {
      const others = byKey(this.params(g, `${where}.merge.generators[${i + 1}]`));
      for (const [k, p] of base) {
        const o = others.get(k);
        if (o) base.set(k, this.goTemplate ? deepMerge(p, o) : { ...p, ...o });
      }
    }
    return [...base.values()];
  }
}

/** mergo.Merge(dst, src, WithOverride): maps merge key by key, everything else is replaced. */
function deepMerge(dst: Params, src: Params): Params {
  const out: Params = { ...dst };
  for (const [k, v] of Object.entries(src)) {
    const cur = out[k];
    out[k] = cur && v && typeof cur === 'object' && typeof v === 'object' && !Array.isArray(cur) && !Array.isArray(v) ? deepMerge(cur as Params, v as Params) : v;
  }
  return out;
}

/** flatten.Flatten(DotStyle) with values printed by fmt `%v`. */
function flatten(o: Params, prefix = ''): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as Params, key));
    else if (Array.isArray(v)) v.forEach((x, i) => (x && typeof x === 'object' ? Object.assign(out, flatten(x as Params, `${key}.${i}`)) : (out[`${key}.${i}`] = String(x))));
    else out[key] = String(v);
  }
  return out;
}

/** A Kubernetes label selector (matchLabels, matchExpressions) over a lookup. */
function matchesSelector(sel: Params, get: (k: string) => unknown): boolean {
  for (const [k, v] of Object.entries(obj(sel.matchLabels))) if (String(get(k) ?? '') !== String(v) || get(k) === undefined) return false;
  for (const e of arr(sel.matchExpressions).map(obj)) {
    const v = get(String(e.key));
    const vals = arr(e.values).map(String);
    const op = String(e.operator);
    if (op === 'In' && !(v !== undefined && vals.includes(String(v)))) return false;
    if (op === 'NotIn' && v !== undefined && vals.includes(String(v))) return false;
    if (op === 'Exists' && v === undefined) return false;
    if (op === 'DoesNotExist' && v !== undefined) return false;
  }
  return true;
}

/** Argo's Replace over every string (and map key) of the template: fasttemplate or Go template. */
function substitute(v: unknown, params: Params, goTemplate: boolean, options: string[]): unknown {
  if (typeof v === 'string') {
    if (goTemplate) {
      try {
        return executeGoTemplate(v, params, options);
      } catch (e) {
        throw e instanceof TemplateError ? new Error(`${v}: ${e.message}`) : e;
      }
    }
    // fasttemplate: `{{ key }}` with a string param is replaced, anything else is kept as written.
    return v.replace(/\{\{([^}]*)\}\}/g, (whole, expr: string) => (typeof params[expr.trim()] === 'string' ? (params[expr.trim()] as string) : whole));
  }
  if (Array.isArray(v)) return v.map((x) => substitute(x, params, goTemplate, options));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [substitute(k, params, goTemplate, options) as string, substitute(x, params, goTemplate, options)]));
  return v;
}
