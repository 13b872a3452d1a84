import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { run } from '../exec/program';
import type { HelmOptions } from '../apps/types';
import type { KubeObject } from '../manifest';
import { parseRenderedStream } from './documents';
import { toolHint, type Toolchain } from './toolchain';
import type { RenderProblem } from './types';

/** Every file of a chart folder (templates, values, subcharts): all are render inputs. */
export async function chartFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string): Promise<void> {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
    }
  }
  await walk(dir);
  return out.sort();
}

export interface HelmBuild { objects: KubeObject[]; sources: Map<KubeObject, string>; problems: RenderProblem[] }

/**
 * `helm template` with release name, namespace, value files, inline values and parameters.
 * `originDir` is the folder `# Source:` paths map to when `chartDir` is a staged copy.
 */
export async function helmTemplate(chartDir: string, opts: HelmOptions, namespace: string | undefined, tools: Toolchain, signal?: AbortSignal, originDir = chartDir): Promise<HelmBuild> {
  const tmp = await mkdtemp(join(tmpdir(), 'gitops-lens-helm-'));
  try {
    const args = ['template', opts.releaseName, chartDir, '--include-crds'];
    if (namespace) args.push('--namespace', namespace);
    for (const f of opts.valueFiles) args.push('--values', f);
    if (opts.values) {
      await writeFile(join(tmp, 'values.yaml'), opts.values);
      args.push('--values', join(tmp, 'values.yaml'));
    }
    if (opts.valuesObject) {
      await writeFile(join(tmp, 'values-object.yaml'), stringify(opts.valuesObject));
      args.push('--values', join(tmp, 'values-object.yaml'));
    }
    for (const p of opts.parameters) args.push(p.forceString ? '--set-string' : '--set', `${p.name}=${p.value}`);
    const { stdout } = await run(tools.helm ?? 'helm', args, { timeoutMs: tools.timeoutMs ?? 120_000, signal, hint: toolHint(tools, 'helm'), env: { ...process.env, HELM_CACHE_HOME: join(tmp, 'cache'), HELM_CONFIG_HOME: join(tmp, 'config'), HELM_DATA_HOME: join(tmp, 'data') } });
    const sources = new Map<KubeObject, string>();
    const objects: KubeObject[] = [];
    const problems: RenderProblem[] = [];
    // Split on document markers ourselves so each chunk keeps its `# Source:` comment.
    for (const chunk of stdout.split(/^---\s*$/m)) {
      const src = /^# Source: (.+)$/m.exec(chunk)?.[1]?.trim();
      const parsed = parseRenderedStream(chunk, 'helm template');
      problems.push(...parsed.problems);
      for (const o of parsed.objects) {
        objects.push(o);
        if (src) sources.set(o, join(originDir, src.split('/').slice(1).join('/')));
      }
    }
    return { objects, sources, problems };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The line of a template that declares the object's kind: the best place to point at in a Go template. */
export async function templateLine(file: string, kind: string): Promise<number> {
  try {
    const lines = (await readFile(file, 'utf8')).split('\n');
    const i = lines.findIndex((l) => new RegExp(`^kind:\\s*["']?${kind}["']?\\s*$`).test(l));
    return i < 0 ? 0 : i;
  } catch {
    return 0;
  }
}
