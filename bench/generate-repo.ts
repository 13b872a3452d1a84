// A generated GitOps repo for benchmarks: `kustomizeApps` kustomize roots, each a shared base
// plus its own resources, and `dirApps` plain folders declared in gitops-lens.yaml.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface GeneratedRepo { root: string; kustomizeRoots: string[]; apps: number; resources: number }

export interface GenerateOptions { kustomizeApps: number; dirApps: number; bases: number; resourcesPerBase: number; resourcesPerApp: number }

function resource(i: number, app: string): string {
  // Alternate kinds so kustomize does real work (name references, selectors).
  switch (i % 3) {
    case 0:
      return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${app}-cm-${i}\n  labels:\n    app: ${app}\ndata:\n  key: value-${i}\n  other: "${i}"\n`;
    case 1:
      return `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}-svc-${i}\nspec:\n  selector:\n    app: ${app}\n  ports:\n    - port: ${8000 + i}\n`;
    default:
      return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}-dep-${i}\n  labels:\n    app: ${app}\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: ${app}-${i}\n  template:\n    metadata:\n      labels:\n        app: ${app}-${i}\n    spec:\n      containers:\n        - name: main\n          image: nginx:1.27.${i % 10}\n          resources:\n            requests:\n              cpu: 10m\n              memory: 16Mi\n`;
  }
}

export function generateRepo(o: GenerateOptions): GeneratedRepo {
  const root = mkdtempSync(join(tmpdir(), 'gitops-lens-bench-'));
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  let resources = 0;
  const pad = (n: number) => String(n).padStart(3, '0');
  for (let b = 0; b < o.bases; b++) {
    const docs = Array.from({ length: o.resourcesPerBase }, (_, i) => resource(i, `base${pad(b)}`));
    write(`bases/b${pad(b)}/resources.yaml`, docs.join('---\n'));
    write(`bases/b${pad(b)}/kustomization.yaml`, 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - resources.yaml\n');
  }
  const kustomizeRoots: string[] = [];
  for (let a = 0; a < o.kustomizeApps; a++) {
    const name = `k${pad(a)}`;
    const own = o.resourcesPerApp - o.resourcesPerBase;
    write(`apps/${name}/own.yaml`, Array.from({ length: own }, (_, i) => resource(i, name)).join('---\n'));
    write(`apps/${name}/kustomization.yaml`, `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${name}\nnamePrefix: ${name}-\ncommonLabels:\n  team: t${a % 7}\nresources:\n  - ../../bases/b${pad(a % o.bases)}\n  - own.yaml\n`);
    kustomizeRoots.push(join(root, 'apps', name));
    resources += o.resourcesPerApp;
  }
  const cfg = ['defaultContext: bench', 'apps:'];
  for (let a = 0; a < o.dirApps; a++) {
    const name = `d${pad(a)}`;
    // Split over a few files, as real folders are.
    for (let f = 0; f < 5; f++) {
      const per = o.resourcesPerApp / 5;
      write(`plain/${name}/part-${f}.yaml`, Array.from({ length: per }, (_, i) => resource(f * per + i, name)).join('---\n'));
    }
    cfg.push(`  - name: ${name}`, `    path: plain/${name}`, `    namespace: ${name}`);
    resources += o.resourcesPerApp;
  }
  write('gitops-lens.yaml', cfg.join('\n') + '\n');
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com' } });
  git('init', '-q', '-b', 'main');
  git('remote', 'add', 'origin', 'https://github.com/example/bench-repo.git');
  git('add', '-A');
  git('commit', '-q', '-m', 'generated');
  return { root, kustomizeRoots, apps: o.kustomizeApps + o.dirApps, resources };
}
