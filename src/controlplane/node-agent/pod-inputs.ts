/**
 * What a pod needs from the API before it can start, resolved the way the kubelet does:
 * env (value with $(VAR) expansion, configMapKeyRef, secretKeyRef, fieldRef,
 * resourceFieldRef, envFrom) and volumes (configMap, secret, emptyDir,
 * persistentVolumeClaim, downwardAPI, projected, hostPath) as host directories.
 * A missing ConfigMap, Secret or key that is not optional is a CreateContainerConfigError.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { JsonObject } from '../../core/index.js';
import type { ResolvedPod } from '../kubelet/index.js';
import { expandVars } from '../kubelet/index.js';
import { parseQuantity } from '../scheduler/index.js';

/** Reads an object from the store (the agent's view of the API). */
export type Lookup = (
  resource: 'configmaps' | 'secrets',
  namespace: string,
  name: string,
) => JsonObject | undefined;

export class PodConfigError extends Error {
  constructor(
    readonly container: string,
    message: string,
  ) {
    super(message);
  }
}

type Env = Record<string, string>;

function mapData(obj: JsonObject, resource: 'configmaps' | 'secrets'): Record<string, string> {
  const out: Record<string, string> = {};
  const data = (obj.data ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries(data))
    out[k] = resource === 'secrets' ? Buffer.from(v, 'base64').toString('utf8') : v;
  if (resource === 'configmaps') {
    for (const [k, v] of Object.entries((obj.binaryData ?? {}) as Record<string, string>)) {
      out[k] = Buffer.from(v, 'base64').toString('utf8');
    }
  }
  return out;
}

function fieldValue(pod: JsonObject, fieldPath: string): string {
  const meta = pod.metadata as JsonObject;
  const spec = (pod.spec ?? {}) as JsonObject;
  const status = (pod.status ?? {}) as JsonObject;
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (m) return String(((meta[m[1]] ?? {}) as Record<string, string>)[m[2]] ?? '');
  const simple: Record<string, unknown> = {
    'metadata.name': meta.name,
    'metadata.namespace': meta.namespace,
    'metadata.uid': meta.uid,
    'spec.nodeName': spec.nodeName,
    'spec.serviceAccountName': spec.serviceAccountName,
    'status.podIP': status.podIP ?? '127.0.0.1',
    'status.hostIP': status.hostIP ?? '127.0.0.1',
  };
  return String(simple[fieldPath] ?? '');
}

function resourceValue(container: JsonObject, ref: JsonObject): string {
  const [kind, resource] = String(ref.resource).split('.') as ['limits' | 'requests', string];
  const resources = (container.resources ?? {}) as Record<string, Record<string, string>>;
  const raw = resources[kind]?.[resource];
  if (raw === undefined) return '0';
  const divisor = ref.divisor !== undefined ? parseQuantity(String(ref.divisor)) : 1;
  return String(Math.ceil(parseQuantity(raw) / (divisor || 1)));
}

function containerEnv(pod: JsonObject, container: JsonObject, lookup: Lookup): Env {
  const ns = String((pod.metadata as JsonObject).namespace);
  const name = String(container.name);
  const env: Env = {};
  const source = (
    resource: 'configmaps' | 'secrets',
    ref: JsonObject,
  ): Record<string, string> | undefined => {
    const obj = lookup(resource, ns, String(ref.name));
    if (!obj) {
      if (ref.optional) return undefined;
      throw new PodConfigError(
        name,
        `${resource === 'secrets' ? 'secret' : 'configmap'} "${String(ref.name)}" not found`,
      );
    }
    return mapData(obj, resource);
  };
  for (const from of (container.envFrom ?? []) as JsonObject[]) {
    const prefix = String(from.prefix ?? '');
    const data = from.configMapRef
      ? source('configmaps', from.configMapRef as JsonObject)
      : from.secretRef
        ? source('secrets', from.secretRef as JsonObject)
        : undefined;
    for (const [k, v] of Object.entries(data ?? {})) env[prefix + k] = v;
  }
  for (const e of (container.env ?? []) as JsonObject[]) {
    const key = String(e.name);
    if (e.valueFrom === undefined) {
      env[key] = expandVars(String(e.value ?? ''), env);
      continue;
    }
    const vf = e.valueFrom as JsonObject;
    const keyRef = (vf.configMapKeyRef ?? vf.secretKeyRef) as JsonObject | undefined;
    if (keyRef) {
      const resource = vf.configMapKeyRef ? 'configmaps' : 'secrets';
      const data = source(resource, keyRef);
      if (data === undefined) continue;
      const value = data[String(keyRef.key)];
      if (value === undefined) {
        if (keyRef.optional) continue;
        throw new PodConfigError(
          name,
          `couldn't find key ${String(keyRef.key)} in ${resource === 'secrets' ? 'Secret' : 'ConfigMap'} ${ns}/${String(keyRef.name)}`,
        );
      }
      env[key] = value;
    } else if (vf.fieldRef) {
      env[key] = fieldValue(pod, String((vf.fieldRef as JsonObject).fieldPath));
    } else if (vf.resourceFieldRef) {
      env[key] = resourceValue(container, vf.resourceFieldRef as JsonObject);
    }
  }
  return env;
}

function writeFiles(dir: string, files: Record<string, string>): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    if (!file.startsWith(dir + path.sep)) continue; // an item path may not leave the volume
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

function projectedFiles(
  pod: JsonObject,
  source: JsonObject,
  lookup: Lookup,
  container: string,
): Record<string, string> {
  const ns = String((pod.metadata as JsonObject).namespace);
  const pick = (data: Record<string, string>, items: JsonObject[] | undefined) => {
    if (!items) return data;
    const out: Record<string, string> = {};
    for (const i of items) if (data[String(i.key)] !== undefined) out[String(i.path)] = data[String(i.key)];
    return out;
  };
  if (source.configMap || source.secret) {
    const resource = source.configMap ? 'configmaps' : 'secrets';
    const ref = (source.configMap ?? source.secret) as JsonObject;
    const name = String(ref.name ?? ref.secretName);
    const obj = lookup(resource, ns, name);
    if (!obj) {
      if (ref.optional) return {};
      throw new PodConfigError(
        container,
        `${resource === 'secrets' ? 'secret' : 'configmap'} "${name}" not found`,
      );
    }
    return pick(mapData(obj, resource), ref.items as JsonObject[] | undefined);
  }
  if (source.downwardAPI) {
    const out: Record<string, string> = {};
    for (const item of ((source.downwardAPI as JsonObject).items ?? []) as JsonObject[]) {
      const fr = item.fieldRef as JsonObject | undefined;
      if (!fr) continue;
      const fp = String(fr.fieldPath);
      if (fp === 'metadata.labels' || fp === 'metadata.annotations') {
        const m = ((pod.metadata as JsonObject)[fp.split('.')[1]] ?? {}) as Record<string, string>;
        out[String(item.path)] = Object.entries(m)
          .sort()
          .map(([k, v]) => `${k}="${v}"`)
          .join('\n');
      } else {
        out[String(item.path)] = fieldValue(pod, fp);
      }
    }
    return out;
  }
  return {};
}

/** Resolves env and prepares volume directories under `dataDir` for `pod`. */
export function resolvePod(pod: JsonObject, lookup: Lookup, dataDir: string): ResolvedPod {
  const meta = pod.metadata as JsonObject;
  const spec = (pod.spec ?? {}) as JsonObject;
  const uid = String(meta.uid);
  const env: Record<string, Env> = {};
  const containers = [
    ...((spec.initContainers ?? []) as JsonObject[]),
    ...((spec.containers ?? []) as JsonObject[]),
  ];
  for (const c of containers) env[String(c.name)] = containerEnv(pod, c, lookup);
  const volumes: Record<string, string> = {};
  const first = String(containers[0]?.name ?? '');
  for (const v of (spec.volumes ?? []) as JsonObject[]) {
    const name = String(v.name);
    const dir = path.join(dataDir, 'volumes', uid, name);
    if (v.persistentVolumeClaim) {
      const claim = String((v.persistentVolumeClaim as JsonObject).claimName);
      volumes[name] = path.join(dataDir, 'claims', String(meta.namespace), claim);
      fs.mkdirSync(volumes[name], { recursive: true });
    } else if (v.hostPath) {
      volumes[name] = String((v.hostPath as JsonObject).path);
    } else if (v.projected) {
      const files: Record<string, string> = {};
      for (const s of ((v.projected as JsonObject).sources ?? []) as JsonObject[]) {
        Object.assign(files, projectedFiles(pod, s, lookup, first));
      }
      writeFiles(dir, files);
      volumes[name] = dir;
    } else if (v.configMap || v.secret || v.downwardAPI) {
      writeFiles(dir, projectedFiles(pod, v, lookup, first));
      volumes[name] = dir;
    } else {
      fs.mkdirSync(dir, { recursive: true }); // emptyDir and anything else: a fresh directory
      volumes[name] = dir;
    }
  }
  return { env, volumes };
}
