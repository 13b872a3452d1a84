// A synthetic GitOps repo for benchmarks: files of 50 resources each, a realistic mix of
// workloads (some with findings), Services, ConfigMaps, ServiceAccounts and RBAC.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configMap, deployment, PROBES_AND_REQUESTS, service } from '../test/support/manifests';

export function resourceDocs(fileIndex: number, perFile: number): string[] {
  const docs: string[] = [];
  for (let i = 0; docs.length < perFile; i++) {
    const n = `app-${fileIndex}-${i}`;
    const ns = `team-${fileIndex % 20}`;
    const bad = i % 3 === 0;
    const selector = { 'app.kubernetes.io/name': n };
    docs.push(deployment({
      name: n, namespace: ns, labels: { ...selector, 'app.kubernetes.io/part-of': 'shop' }, replicas: 1 + (i % 3), selector, container: 'app',
      image: bad ? 'nginx:latest' : `registry.example.com/shop/${n}:1.${i}.0`,
      pod: `      serviceAccountName: ${n}
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
`,
      // The container's remaining fields, then the pod's volumes (after `containers`).
      containerExtra: `          ports:
            - name: http
              containerPort: 8080
          env:
            - name: LOG_LEVEL
              value: info
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
${PROBES_AND_REQUESTS}            limits:
              memory: 256Mi
          securityContext:
            allowPrivilegeEscalation: ${bad ? 'true' : 'false'}
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir: {}
`,
    }));
    if (docs.length >= perFile) break;
    docs.push(service({ name: n, namespace: ns, selector, port: 80, portName: 'http', targetPort: 'http' }));
    if (docs.length >= perFile) break;
    docs.push(configMap(`${n}-config`, { namespace: ns, data: `  app.properties: |
    feature.a=true
    feature.b=${i}
` }));
    if (docs.length >= perFile) break;
    docs.push(`apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${n}
  namespace: ${ns}
`);
    if (docs.length >= perFile) break;
    docs.push(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: ${n}
  namespace: ${ns}
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get, list, watch]
`);
  }
  return docs;
}

/** Writes `files` files of `perFile` resources under dir/apps/<n>/; returns their paths. */
export function writeCorpus(dir: string, files: number, perFile: number): string[] {
  const out: string[] = [];
  for (let f = 0; f < files; f++) {
    const d = join(dir, 'apps', `svc-${f}`);
    mkdirSync(d, { recursive: true });
    const p = join(d, 'resources.yaml');
    writeFileSync(p, resourceDocs(f, perFile).join('---\n'));
    out.push(p);
  }
  return out;
}
