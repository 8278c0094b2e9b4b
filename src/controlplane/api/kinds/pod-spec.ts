/**
 * PodSpec defaults and validation, shared by Pods and every kind with a pod template
 * (Deployment, Job, …). Defaults follow pkg/apis/core/v1/defaults.go and the generated
 * defaulters (zz_generated.defaults.go) of kube-apiserver v1.32; validation the parts of
 * pkg/apis/core/validation that users hit in practice.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../core/index.js';
import type { FieldCause } from '../types.js';
import {
  dns1123Label,
  dns1123Subdomain,
  duplicate,
  forbidden,
  invalidValue,
  nonNegative,
  notSupported,
  positive,
  required,
} from './apps/field-errors.js';
import { validateLabels } from './apps/label-selector.js';
import { isValidPortName } from './validation.js';
import { parseQuantity } from './apps/quantity.js';

const obj = (v: JsonValue | undefined): JsonObject | undefined => (isJsonObject(v) ? v : undefined);
const list = (v: JsonValue | undefined): JsonValue[] => (Array.isArray(v) ? v : []);
const objects = (v: JsonValue | undefined): JsonObject[] => list(v).filter(isJsonObject);

/** Sets `key` to `value` when it is absent (or null, which the API treats as unset). */
function setDefault(o: JsonObject, key: string, value: JsonValue): void {
  if (o[key] === undefined || o[key] === null || o[key] === '') o[key] = value;
}

/**
 * The tag parsers.ParseImageName reports: the tag after the last path component's ':',
 * `latest` when there is neither tag nor digest. A colon before the last '/' is a registry port
 * (`localhost:5000/app` has no tag), and `app@sha256:…` is pinned by digest (no tag).
 */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const name = at < 0 ? image : image.slice(0, at);
  const colon = name.lastIndexOf(':');
  const tag = colon > name.lastIndexOf('/') ? name.slice(colon + 1) : '';
  return tag === '' && at < 0 ? 'latest' : tag;
}

function defaultProbe(probe: JsonValue | undefined): void {
  const p = obj(probe);
  if (!p) return;
  // the generated defaulter tests for 0, so an explicit 0 becomes the default too
  if (!p.timeoutSeconds) p.timeoutSeconds = 1;
  if (!p.periodSeconds) p.periodSeconds = 10;
  if (!p.successThreshold) p.successThreshold = 1;
  if (!p.failureThreshold) p.failureThreshold = 3;
  defaultHttpGet(p.httpGet);
  const grpc = obj(p.grpc);
  if (grpc && (grpc.service === undefined || grpc.service === null)) grpc.service = '';
}

function defaultHttpGet(action: JsonValue | undefined): void {
  const h = obj(action);
  if (!h) return;
  setDefault(h, 'path', '/');
  setDefault(h, 'scheme', 'HTTP');
}

function defaultFieldRef(holder: JsonValue | undefined): void {
  const ref = obj(obj(holder)?.fieldRef);
  if (ref) setDefault(ref, 'apiVersion', 'v1');
}

function defaultContainer(c: JsonObject): void {
  if (!c.imagePullPolicy)
    c.imagePullPolicy = imageTag(String(c.image ?? '')) === 'latest' ? 'Always' : 'IfNotPresent';
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  // ResourceRequirements is a struct, not a pointer: the API always serializes `resources: {}`
  if (!isJsonObject(c.resources)) c.resources = {};
  for (const port of objects(c.ports)) setDefault(port, 'protocol', 'TCP');
  for (const env of objects(c.env)) defaultFieldRef(env.valueFrom);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  const lifecycle = obj(c.lifecycle);
  defaultHttpGet(obj(lifecycle?.postStart)?.httpGet);
  defaultHttpGet(obj(lifecycle?.preStop)?.httpGet);
}

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
]; // prettier-ignore

function defaultVolume(v: JsonObject): void {
  if (!VOLUME_SOURCES.some((s) => isJsonObject(v[s]))) v.emptyDir = {};
  const hostPath = obj(v.hostPath);
  if (hostPath && (hostPath.type === undefined || hostPath.type === null)) hostPath.type = '';
  for (const key of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const source = obj(v[key]);
    if (source && (source.defaultMode === undefined || source.defaultMode === null)) source.defaultMode = 420;
  }
  for (const item of objects(obj(v.downwardAPI)?.items)) defaultFieldRef(item);
  for (const source of objects(obj(v.projected)?.sources)) {
    for (const item of objects(obj(source.downwardAPI)?.items)) defaultFieldRef(item);
    const token = obj(source.serviceAccountToken);
    if (token) setDefault(token, 'expirationSeconds', 3600);
  }
  const iscsi = obj(v.iscsi);
  if (iscsi) setDefault(iscsi, 'iscsiInterface', 'default');
  const rbd = obj(v.rbd);
  if (rbd) {
    setDefault(rbd, 'pool', 'rbd');
    setDefault(rbd, 'user', 'admin');
    setDefault(rbd, 'keyring', '/etc/ceph/keyring');
  }
  const azureDisk = obj(v.azureDisk);
  if (azureDisk) {
    setDefault(azureDisk, 'cachingMode', 'ReadWrite');
    setDefault(azureDisk, 'kind', 'Shared');
    setDefault(azureDisk, 'fsType', 'ext4');
    if (azureDisk.readOnly === undefined || azureDisk.readOnly === null) azureDisk.readOnly = false;
  }
  const scaleIO = obj(v.scaleIO);
  if (scaleIO) {
    setDefault(scaleIO, 'storageMode', 'ThinProvisioned');
    setDefault(scaleIO, 'fsType', 'xfs');
  }
  const claimSpec = obj(obj(obj(v.ephemeral)?.volumeClaimTemplate)?.spec);
  if (claimSpec) setDefault(claimSpec, 'volumeMode', 'Filesystem');
}

/**
 * Sets the defaults kube-apiserver gives a PodSpec, in place. `kind` 'pod' (the default) adds
 * what SetDefaults_Pod sets only on Pods, never in templates — enableServiceLinks, requests
 * copied from limits, hostPort = containerPort under hostNetwork — so a Deployment's template
 * stays as a real cluster shows it.
 */
export function defaultPodSpec(spec: JsonObject, kind: 'pod' | 'template' = 'pod'): void {
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'restartPolicy', 'Always');
  if (!isJsonObject(spec.securityContext)) spec.securityContext = {};
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'schedulerName', 'default-scheduler');
  for (const v of objects(spec.volumes)) defaultVolume(v);
  for (const key of ['initContainers', 'containers', 'ephemeralContainers'])
    for (const c of objects(spec[key])) defaultContainer(c);
  if (kind !== 'pod') return;
  if (typeof spec.enableServiceLinks !== 'boolean') spec.enableServiceLinks = true;
  for (const c of [...objects(spec.containers), ...objects(spec.initContainers)]) {
    const resources = obj(c.resources);
    const limits = obj(resources?.limits);
    if (!resources || !limits) continue;
    const requests = obj(resources.requests) ?? (resources.requests = {});
    for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
    if (spec.hostNetwork === true)
      for (const p of objects(c.ports)) if (!p.hostPort) p.hostPort = p.containerPort ?? null;
  }
}

/** Defaults a pod template (`spec.template` of workloads): its PodSpec, without the Pod-only defaults. */
export function defaultPodTemplateSpec(template: JsonObject): void {
  if (!isJsonObject(template.spec)) template.spec = {};
  defaultPodSpec(template.spec as JsonObject, 'template');
}

// ——— validation ———

/** IsValidPortName: an IANA service name, as container ports and named probe ports need. */
function portName(field: string, name: string): FieldCause[] {
  return isValidPortName(name).map((m) => invalidValue(field, name, m));
}

function portNumber(field: string, value: JsonValue | undefined): FieldCause[] {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535
    ? []
    : [invalidValue(field, value, 'must be between 1 and 65535, inclusive')];
}

const HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];

function validateProbe(probe: JsonValue | undefined, path: string, successMustBeOne: boolean): FieldCause[] {
  const p = obj(probe);
  if (!p) return [];
  const out: FieldCause[] = [];
  const handlers = HANDLERS.filter((h) => isJsonObject(p[h]));
  if (handlers.length === 0) out.push(required(path, 'must specify a handler type'));
  for (const h of handlers.slice(1))
    out.push(forbidden(`${path}.${h}`, 'may not specify more than 1 handler type'));
  for (const k of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
  ])
    out.push(...nonNegative(`${path}.${k}`, p[k]));
  if (successMustBeOne && p.successThreshold !== undefined && p.successThreshold !== 1)
    out.push(invalidValue(`${path}.successThreshold`, p.successThreshold, 'must be 1'));
  for (const h of ['httpGet', 'tcpSocket']) {
    const action = obj(p[h]);
    if (!action) continue;
    if (typeof action.port === 'string') out.push(...portName(`${path}.${h}.port`, action.port));
    else out.push(...portNumber(`${path}.${h}.port`, action.port));
  }
  if (obj(p.grpc)) out.push(...portNumber(`${path}.grpc.port`, obj(p.grpc)!.port));
  return out;
}

function validateResources(resources: JsonValue | undefined, path: string): FieldCause[] {
  const r = obj(resources);
  const out: FieldCause[] = [];
  const limits = obj(r?.limits) ?? {};
  const requests = obj(r?.requests) ?? {};
  for (const [which, map] of [
    ['limits', limits],
    ['requests', requests],
  ] as const)
    for (const [k, v] of Object.entries(map)) {
      const n = parseQuantity(v);
      if (n === undefined)
        out.push(
          invalidValue(
            `${path}.${which}[${k}]`,
            v,
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
          ),
        );
      else if (n < 0)
        out.push(invalidValue(`${path}.${which}[${k}]`, v, 'must be greater than or equal to 0'));
    }
  for (const [k, v] of Object.entries(requests)) {
    const req = parseQuantity(v);
    const lim = parseQuantity(limits[k]);
    if (req !== undefined && lim !== undefined && req > lim)
      out.push(
        invalidValue(
          `${path}.requests[${k}]`,
          v,
          `must be less than or equal to ${k} limit of ${String(limits[k])}`,
        ),
      );
  }
  return out;
}

/** Relaxed env var names (RelaxedEnvironmentVariableValidation, on by default in v1.32): printable ASCII but '='. */
const ENV_NAME = /^[\x20-\x3c\x3e-\x7e]+$/;

function validateContainer(c: JsonObject, path: string, volumes: Set<string>, isInit: boolean): FieldCause[] {
  const out: FieldCause[] = [];
  if (!c.name) out.push(required(`${path}.name`));
  else out.push(...dns1123Label(`${path}.name`, String(c.name)));
  if (!c.image) out.push(required(`${path}.image`));
  if (c.imagePullPolicy && !['Always', 'IfNotPresent', 'Never'].includes(String(c.imagePullPolicy)))
    out.push(notSupported(`${path}.imagePullPolicy`, c.imagePullPolicy, ['Always', 'IfNotPresent', 'Never']));
  if (
    c.terminationMessagePolicy &&
    !['File', 'FallbackToLogsOnError'].includes(String(c.terminationMessagePolicy))
  )
    out.push(
      notSupported(`${path}.terminationMessagePolicy`, c.terminationMessagePolicy, [
        'File',
        'FallbackToLogsOnError',
      ]),
    );
  if (c.restartPolicy !== undefined && c.restartPolicy !== null) {
    if (!isInit) out.push(forbidden(`${path}.restartPolicy`, 'may not be set for non-init containers'));
    else if (c.restartPolicy !== 'Always')
      out.push(notSupported(`${path}.restartPolicy`, c.restartPolicy, ['Always']));
  }
  const portNames = new Set<string>();
  objects(c.ports).forEach((p, j) => {
    const at = `${path}.ports[${j}]`;
    if (typeof p.name === 'string' && p.name !== '') {
      out.push(...portName(`${at}.name`, p.name));
      if (portNames.has(p.name)) out.push(duplicate(`${at}.name`, p.name));
      portNames.add(p.name);
    }
    if (p.containerPort === undefined) out.push(required(`${at}.containerPort`));
    else out.push(...portNumber(`${at}.containerPort`, p.containerPort));
    if (p.hostPort !== undefined && p.hostPort !== null && p.hostPort !== 0)
      out.push(...portNumber(`${at}.hostPort`, p.hostPort));
    if (p.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(String(p.protocol)))
      out.push(notSupported(`${at}.protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']));
  });
  objects(c.env).forEach((e, j) => {
    const at = `${path}.env[${j}].name`;
    if (!e.name) out.push(required(at));
    else if (!ENV_NAME.test(String(e.name)))
      out.push(
        invalidValue(
          at,
          e.name,
          "a valid environment variable name must consist only of printable ASCII characters other than '='",
        ),
      );
  });
  const mountPaths = new Set<string>();
  objects(c.volumeMounts).forEach((m, j) => {
    const at = `${path}.volumeMounts[${j}]`;
    if (!m.name) out.push(required(`${at}.name`));
    else if (!volumes.has(String(m.name)))
      out.push({
        reason: 'FieldValueNotFound',
        message: `Not found: ${JSON.stringify(m.name)}`,
        field: `${at}.name`,
      });
    if (!m.mountPath) out.push(required(`${at}.mountPath`));
    else if (mountPaths.has(String(m.mountPath)))
      out.push(invalidValue(`${at}.mountPath`, m.mountPath, 'must be unique'));
    else mountPaths.add(String(m.mountPath));
  });
  // init containers (bar sidecars, which restart) may not have readiness, liveness or startup probes
  const sidecar = isInit && c.restartPolicy === 'Always';
  for (const [k, mustBeOne] of [
    ['livenessProbe', true],
    ['readinessProbe', false],
    ['startupProbe', true],
  ] as const) {
    if (isInit && !sidecar && c[k] !== undefined && c[k] !== null)
      out.push(forbidden(`${path}.${k}`, `may not be set for init containers without restartPolicy=Always`));
    else out.push(...validateProbe(c[k], `${path}.${k}`, mustBeOne));
  }
  out.push(...validateResources(c.resources, `${path}.resources`));
  return out;
}

function validateVolumes(spec: JsonObject, path: string): { causes: FieldCause[]; names: Set<string> } {
  const causes: FieldCause[] = [];
  const names = new Set<string>();
  objects(spec.volumes).forEach((v, i) => {
    const at = `${path}.volumes[${i}]`;
    if (!v.name) causes.push(required(`${at}.name`));
    else {
      causes.push(...dns1123Label(`${at}.name`, String(v.name)));
      if (names.has(String(v.name))) causes.push(duplicate(`${at}.name`, v.name));
      names.add(String(v.name));
    }
    const sources = VOLUME_SOURCES.filter((s) => isJsonObject(v[s]));
    if (sources.length === 0) causes.push(required(at, 'must specify a volume type'));
    for (const s of sources.slice(1))
      causes.push(forbidden(`${at}.${s}`, 'may not specify more than 1 volume type'));
    const claim = obj(v.persistentVolumeClaim);
    if (claim && !claim.claimName) causes.push(required(`${at}.persistentVolumeClaim.claimName`));
    for (const s of ['secret', 'configMap']) {
      const mode = obj(v[s])?.defaultMode;
      if (typeof mode === 'number' && (mode < 0 || mode > 0o777))
        causes.push(
          invalidValue(
            `${at}.${s}.defaultMode`,
            mode,
            'must be a number between 0 and 0777 (octal), both inclusive',
          ),
        );
    }
  });
  return { causes, names };
}

/**
 * Validates a PodSpec (after defaulting) the way ValidatePodSpec does: containers present and
 * well-formed, names unique across containers and init containers, ports, probes, resources,
 * env names, volumes and the mounts that refer to them. `path` is the spec's field path
 * (`spec` for a Pod, `spec.template.spec` for a Deployment).
 */
export function validatePodSpec(spec: JsonObject, path: string): FieldCause[] {
  const out: FieldCause[] = [];
  const { causes, names: volumes } = validateVolumes(spec, path);
  out.push(...causes);
  const containers = objects(spec.containers);
  if (containers.length === 0) out.push(required(`${path}.containers`));
  const seen = new Set<string>();
  for (const [key, isInit] of [
    ['initContainers', true],
    ['containers', false],
  ] as const) {
    objects(spec[key]).forEach((c, i) => {
      const at = `${path}.${key}[${i}]`;
      out.push(...validateContainer(c, at, volumes, isInit));
      if (typeof c.name === 'string' && c.name !== '') {
        if (seen.has(c.name)) out.push(duplicate(`${at}.name`, c.name));
        seen.add(c.name);
      }
    });
  }
  const restart = ['Always', 'OnFailure', 'Never'];
  if (spec.restartPolicy === undefined || spec.restartPolicy === '')
    out.push(required(`${path}.restartPolicy`));
  else if (!restart.includes(String(spec.restartPolicy)))
    out.push(notSupported(`${path}.restartPolicy`, spec.restartPolicy, restart));
  const dns = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
  if (spec.dnsPolicy !== undefined && !dns.includes(String(spec.dnsPolicy)))
    out.push(notSupported(`${path}.dnsPolicy`, spec.dnsPolicy, dns));
  out.push(...nonNegative(`${path}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds));
  out.push(...positive(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds));
  out.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  if (spec.serviceAccountName)
    out.push(...dns1123Subdomain(`${path}.serviceAccountName`, String(spec.serviceAccountName)));
  return out;
}
