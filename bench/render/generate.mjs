// Generates a Kustomize tree of N resources for the renderer benchmark.
//
// Layout, like a real monorepo of many small apps: one folder per app, one file per
// resource, all listed by one base kustomization; one overlay on top.
//
//   DIR/base/kustomization.yaml          lists every file below
//   DIR/base/apps/app-0001/deployment.yaml
//   DIR/base/apps/app-0001/service.yaml
//   DIR/base/apps/app-0001/configmap.yaml
//   DIR/overlay/kustomization.yaml       namePrefix, namespace, labels (includeSelectors),
//                                        images, a JSON 6902 patch on every Deployment
//
// Each Deployment references its ConfigMap three ways (envFrom, env valueFrom, a volume),
// so the overlay's namePrefix must rewrite those references; each Service selects its
// Deployment's pods, so includeSelectors must rewrite both selectors.
//
// Usage: node bench/render/generate.mjs DIR N   (N is rounded down to a multiple of 3)
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const IMAGE = 'registry.example.com/bench/app';

function deployment(app, i) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  labels:
    app: ${app}
  annotations:
    owner: team-${i % 17}
spec:
  replicas: ${1 + (i % 3)}
  selector:
    matchLabels:
      app: ${app}
  template:
    metadata:
      labels:
        app: ${app}
    spec:
      containers:
        - name: main
          image: ${IMAGE}:1.0.${i}
          args: ["--listen=:8080", "--config=/etc/${app}/settings.yaml"]
          ports:
            - name: http
              containerPort: 8080
          envFrom:
            - configMapRef:
                name: ${app}-config
          env:
            - name: LOG_LEVEL
              valueFrom:
                configMapKeyRef:
                  name: ${app}-config
                  key: log-level
          volumeMounts:
            - name: config
              mountPath: /etc/${app}
          readinessProbe:
            httpGet:
              path: /ready
              port: http
          resources:
            requests:
              cpu: 10m
              memory: 32Mi
            limits:
              memory: 128Mi
      volumes:
        - name: config
          configMap:
            name: ${app}-config
`;
}

function service(app) {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${app}
  labels:
    app: ${app}
spec:
  selector:
    app: ${app}
  ports:
    - name: http
      port: 80
      targetPort: http
`;
}

function configMap(app, i) {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${app}-config
  labels:
    app: ${app}
data:
  log-level: ${i % 2 ? 'info' : 'debug'}
  settings.yaml: |
    name: ${app}
    upstream: http://app-${String((i % 50) + 1).padStart(4, '0')}:80
    timeoutSeconds: ${5 + (i % 10)}
`;
}

const OVERLAY = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base
namePrefix: bench-
namespace: bench
labels:
  - pairs:
      env: bench
    includeSelectors: true
images:
  - name: ${IMAGE}
    newName: registry.example.com/bench/app-pinned
    newTag: 2.0.0
patches:
  - target:
      kind: Deployment
    patch: |-
      - op: add
        path: /metadata/annotations/bench.capstan.dev~1patched
        value: "true"
      - op: add
        path: /spec/template/spec/containers/0/env/-
        value:
          name: BENCH
          value: "1"
`;

/**
 * Writes the tree for n resources (n/3 of each kind) under dir and returns the overlay
 * directory, the one to render.
 */
export function generate(dir, n) {
  const apps = Math.floor(n / 3);
  const files = [];
  for (let i = 1; i <= apps; i++) {
    const app = `app-${String(i).padStart(4, '0')}`;
    const appDir = path.join(dir, 'base', 'apps', app);
    mkdirSync(appDir, { recursive: true });
    writeFileSync(path.join(appDir, 'deployment.yaml'), deployment(app, i));
    writeFileSync(path.join(appDir, 'service.yaml'), service(app));
    writeFileSync(path.join(appDir, 'configmap.yaml'), configMap(app, i));
    for (const f of ['deployment', 'service', 'configmap']) files.push(`  - apps/${app}/${f}.yaml`);
  }
  const base = `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${files.join('\n')}\n`;
  writeFileSync(path.join(dir, 'base', 'kustomization.yaml'), base);
  const overlay = path.join(dir, 'overlay');
  mkdirSync(overlay, { recursive: true });
  writeFileSync(path.join(overlay, 'kustomization.yaml'), OVERLAY);
  return overlay;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [dir, n] = process.argv.slice(2);
  if (!dir || !(Number(n) >= 3)) {
    console.error('usage: node bench/render/generate.mjs DIR N   (N >= 3)');
    process.exit(2);
  }
  console.log(generate(path.resolve(dir), Number(n)));
}
