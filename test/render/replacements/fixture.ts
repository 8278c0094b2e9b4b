/**
 * Resources shared by the select, replacements and vars tests: the objects of the
 * kubectl fixture the expectations were taken from (kubectl kustomize, kustomize v5.5).
 */
import type { KubeObject } from '../../../src/core/index.js';
import type { Resource } from '../../../src/render/kustomize/types.js';

/** A Resource around `obj`, with optional previous ids (oldest first). */
export function res(obj: object, previous: Resource['previous'] = []): Resource {
  return { obj: obj as KubeObject, source: 'res.yaml', previous, prefixes: [], suffixes: [] };
}

/** Fresh copies of the fixture's objects: ConfigMap src, Deployment dep, Services svc (prod, dev), ClusterRole cr. */
export function fixture(): Resource[] {
  return [
    res({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'src',
        namespace: 'prod',
        labels: { app: 'web', tier: 'fe' },
        annotations: { note: 'hello' },
      },
      data: {
        num: '4',
        word: 'abc',
        img: 'repo.io/team/app:1.2.3',
        yes: 'yes',
        t: 'True',
        f: '1.50',
        hex: '0x1F',
      },
    }),
    res({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'dep',
        namespace: 'prod',
        labels: { app: 'web' },
        annotations: { 'a.b/c': 'old', path: '/x/y/z' },
      },
      spec: {
        replicas: 1,
        paused: false,
        ratio: 2.5,
        nul: null,
        sel: { matchLabels: { app: 'web' } },
        template: {
          metadata: { annotations: { t: '$(NUM)' } },
          spec: {
            containers: [
              {
                name: 'app',
                image: 'nginx:1.0',
                args: ['--a', '--b'],
                env: [{ name: 'A', value: '$(NUM)' }],
                ports: [{ containerPort: 80, name: 'http' }],
              },
              { name: 'side', image: 'busybox:1.0' },
            ],
          },
        },
      },
    }),
    res({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'svc', namespace: 'prod', labels: { app: 'web', tier: 'be' } },
      spec: { ports: [{ port: 80, name: 'http', targetPort: 8080 }], selector: { app: 'web' } },
    }),
    res({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'svc', namespace: 'dev' },
      spec: { ports: [{ port: 81, name: 'http' }] },
    }),
    res({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'cr' },
      rules: [],
    }),
  ];
}

/** The object of kind/name (and namespace, when given) in `list`. */
export function find(list: Resource[], kind: string, name: string, namespace?: string): any {
  const r = list.find(
    (x) =>
      x.obj.kind === kind &&
      x.obj.metadata.name === name &&
      (!namespace || x.obj.metadata.namespace === namespace),
  );
  if (!r) throw new Error(`no ${kind} ${name}`);
  return r.obj;
}
