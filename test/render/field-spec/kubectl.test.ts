/**
 * The default field specs against the oracle: each test runs `kubectl kustomize`
 * (kustomize v5.5) on the fixture with one transformer, and a minimal stand-in for that
 * transformer built on walkFieldSpecs, and expects the same objects. Skipped when
 * kubectl is absent.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  isClusterScopedKind,
  parseApiVersion,
  type JsonValue,
  type KubeObject,
} from '../../../src/core/index.js';
import {
  defaultTransformerConfig,
  labelFieldSpecs,
  type TransformerConfig,
} from '../../../src/render/kustomize/builtin-config/index.js';
import {
  compileFieldSpecs,
  walkFieldSpecs,
  type FieldVisitor,
} from '../../../src/render/kustomize/field-spec.js';
import type { FieldSpec } from '../../../src/render/kustomize/types.js';
import { others, workloads } from './fixture.js';

const KUBECTL = '/usr/bin/kubectl';
const oracle = existsSync(KUBECTL) ? test : test.skip;
const config: TransformerConfig = defaultTransformerConfig();

function docs(text: string): KubeObject[] {
  return parseAllDocuments(text, { version: '1.1' })
    .map((d) => d.toJS() as KubeObject)
    .filter(Boolean);
}

function kustomize(kustomization: string): KubeObject[] {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-fs-'));
  try {
    writeFileSync(join(dir, 'w.yaml'), workloads);
    writeFileSync(join(dir, 'o.yaml'), others);
    writeFileSync(join(dir, 'kustomization.yaml'), `resources: [w.yaml, o.yaml]\n${kustomization}`);
    return docs(
      execFileSync(KUBECTL, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Objects keyed by kind/name with map keys sorted, for order-free comparison. */
function byId(objs: KubeObject[]): Record<string, JsonValue> {
  const sort = (v: JsonValue): JsonValue =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort(v[k])]),
          )
        : v;
  return Object.fromEntries(
    objs.map((o) => [`${o.kind}/${o.metadata.name}`, sort(o as unknown as JsonValue)]),
  );
}

function ours(
  specs: FieldSpec[],
  visit: FieldVisitor,
  create: boolean,
  extra?: (o: KubeObject) => void,
): KubeObject[] {
  const compiled = compileFieldSpecs(specs);
  return docs(workloads + '\n---\n' + others).map((o) => {
    extra?.(o);
    walkFieldSpecs(compiled, o, visit, { create });
    return o;
  });
}

const addEntry =
  (key: string, value: string): FieldVisitor =>
  (_c, _k, v) =>
    v === undefined
      ? { [key]: value }
      : v && typeof v === 'object' && !Array.isArray(v)
        ? { ...v, [key]: value }
        : undefined;

oracle('commonLabels: selectors and metadata labels, created where missing', (t) => {
  t.deepEqual(
    byId(ours(config.commonLabels, addEntry('probe', 'x'), true)),
    byId(kustomize('commonLabels: {probe: x}\n')),
  );
});

oracle('labels with includeTemplates: templateLabels only', (t) => {
  const specs = labelFieldSpecs(config, { pairs: { probe: 'x' }, includeTemplates: true });
  t.deepEqual(
    byId(ours(specs, addEntry('probe', 'x'), true)),
    byId(kustomize('labels: [{pairs: {probe: x}, includeTemplates: true}]\n')),
  );
});

oracle('commonAnnotations', (t) => {
  t.deepEqual(
    byId(ours(config.commonAnnotations, addEntry('probe', 'x'), true)),
    byId(kustomize('commonAnnotations: {probe: x}\n')),
  );
});

oracle('namespace: Namespace renamed, APIService service created, CRD webhook moved', (t) => {
  // metadata/namespace is the transformer's own: every kind not known to be cluster-scoped.
  // kustomize v5.5's schema does not know ValidatingAdmissionPolicy(Binding): it namespaces them.
  const setNs = (o: KubeObject) => {
    if (!isClusterScopedKind(o.kind) || o.kind.startsWith('ValidatingAdmissionPolicy'))
      o.metadata.namespace = 'probe';
  };
  t.deepEqual(
    byId(ours(config.namespace, () => 'probe', true, setNs)),
    byId(kustomize('namespace: probe\n')),
  );
});

oracle('replicas: Deployment, ReplicationController, ReplicaSet, StatefulSet', (t) => {
  const visit: FieldVisitor = () => 5;
  const only = (o: KubeObject) => o.metadata.name === 'w';
  const compiled = compileFieldSpecs(config.replicas);
  const mine = docs(workloads + '\n---\n' + others).map((o) => {
    if (only(o)) walkFieldSpecs(compiled, o, visit, { create: true });
    return o;
  });
  t.deepEqual(byId(mine), byId(kustomize('replicas: [{name: w, count: 5}]\n')));
});

oracle('varReference: $(V) expanded in the default fields only', (t) => {
  const expand = (v: JsonValue): JsonValue =>
    typeof v === 'string'
      ? v.replaceAll('$(V)', 'cm')
      : Array.isArray(v)
        ? v.map(expand)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? expand(x) : x]))
          : v;
  t.deepEqual(
    byId(ours(config.varReference, (_c, _k, v) => (v === undefined ? undefined : expand(v)), false)),
    byId(
      kustomize(
        'vars: [{name: V, objref: {apiVersion: v1, kind: ConfigMap, name: cm}, fieldref: {fieldpath: metadata.name}}]\n',
      ),
    ),
  );
});

oracle('namePrefix + nameReference: every default referrer field in the fixture follows the rename', (t) => {
  const skip = new Set(['Namespace', 'CustomResourceDefinition', 'APIService']);
  const all = docs(workloads + '\n---\n' + others);
  // names of renamed objects, per name reference entry (matched by its group/version/kind)
  const mine = all.map((o) => structuredClone(o));
  for (const nbr of config.nameReference) {
    const names = new Set(
      all
        .filter((o) => {
          const { group, version } = parseApiVersion(o.apiVersion);
          return (
            o.kind === nbr.kind &&
            (!nbr.group || nbr.group === group) &&
            (!nbr.version || nbr.version === version) &&
            !skip.has(o.kind)
          );
        })
        .map((o) => o.metadata.name),
    );
    const rename = (v: JsonValue | undefined): JsonValue | undefined =>
      typeof v === 'string' && names.has(v)
        ? `p-${v}`
        : Array.isArray(v)
          ? v.map((x) => rename(x) ?? x)
          : undefined;
    const compiled = compileFieldSpecs(nbr.fieldSpecs);
    for (const o of mine) walkFieldSpecs(compiled, o, (_c, _k, v) => rename(v));
  }
  for (const o of mine) if (!skip.has(o.kind)) o.metadata.name = `p-${o.metadata.name}`;
  t.deepEqual(byId(mine), byId(kustomize('namePrefix: p-\n')));
});
