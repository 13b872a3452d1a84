// A synthetic GitOps repo for benchmarks: files of 50 resources each, a realistic mix of
// workloads (some with findings), Services, ConfigMaps, ServiceAccounts and RBAC.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function resourceDocs(fileIndex: number, perFile: number): string[] {
  const docs: string[] = [];
  for (let i = 0; docs.length < perFile; i++) {
    const n = `app-${fileIndex}-${i}`;
    const ns = `team-${fileIndex % 20}`;
    const bad = i % 3 === 0;
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${n}
  namespace: ${ns}
  labels:
    app.kubernetes.io/name: ${n}
    app.kubernetes.io/part-of: shop
spec:
  replicas: ${1 + (i % 3)}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${n}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${n}
    spec:
      serviceAccountName: ${n}
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: app
          image: ${bad ? 'nginx:latest' : `registry.example.com/shop/${n}:1.${i}.0`}
          ports:
            - name: http
              containerPort: 8080
          env:
            - name: LOG_LEVEL
              value: info
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
          readinessProbe:
            httpGet:
              path: /ready
              port: http
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
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
`);
    if (docs.length >= perFile) break;
    docs.push(`apiVersion: v1
kind: Service
metadata:
  name: ${n}
  namespace: ${ns}
spec:
  selector:
    app.kubernetes.io/name: ${n}
  ports:
    - name: http
      port: 80
      targetPort: http
`);
    if (docs.length >= perFile) break;
    docs.push(`apiVersion: v1
kind: ConfigMap
metadata:
  name: ${n}-config
  namespace: ${ns}
data:
  app.properties: |
    feature.a=true
    feature.b=${i}
`);
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
