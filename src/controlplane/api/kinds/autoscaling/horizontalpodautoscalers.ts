/**
 * autoscaling/v2 HorizontalPodAutoscaler: defaults (SetDefaults_HorizontalPodAutoscaler and
 * its behavior rules), validation, and the TARGETS column of formatHPAMetrics.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { age, field } from '../print-util.js';
import { invalidValue, notSupported, required } from '../apps/field-errors.js';
import { VERBS, ageColumn, column, int, nameColumn, str } from '../apps/print.js';
import { orDefault, specFor } from '../apps/template.js';

/** Scale up by at most 4 pods or 100% per 15 s, whichever is more; no stabilization window. */
const scaleUp = (): JsonObject => ({
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
});
/** Scale down by up to 100% per 15 s after a 5-minute stabilization window. */
const scaleDown = (): JsonObject => ({
  stabilizationWindowSeconds: 300,
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
});

function fillRules(behavior: JsonObject, key: string, defaults: JsonObject): void {
  if (!isJsonObject(behavior[key])) {
    behavior[key] = defaults;
    return;
  }
  const rules = behavior[key] as JsonObject;
  if (!Array.isArray(rules.policies) || rules.policies.length === 0) rules.policies = defaults.policies!;
  orDefault(rules, 'selectPolicy', defaults.selectPolicy!);
  orDefault(rules, 'stabilizationWindowSeconds', defaults.stabilizationWindowSeconds!);
}

function defaults(obj: JsonObject): void {
  const spec = specFor(obj);
  orDefault(spec, 'minReplicas', 1);
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0)
    spec.metrics = [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
      },
    ];
  // behavior is only filled in when given: an HPA without one keeps the controller's defaults
  if (isJsonObject(spec.behavior)) {
    fillRules(spec.behavior, 'scaleUp', scaleUp());
    fillRules(spec.behavior, 'scaleDown', scaleDown());
  }
}

const METRIC_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];

function validate(obj: JsonObject): FieldCause[] {
  const spec = isJsonObject(obj.spec) ? obj.spec : {};
  const out: FieldCause[] = [];
  const ref = isJsonObject(spec.scaleTargetRef) ? spec.scaleTargetRef : {};
  if (!ref.kind) out.push(required('spec.scaleTargetRef.kind'));
  if (!ref.name) out.push(required('spec.scaleTargetRef.name'));
  const min = spec.minReplicas;
  const max = spec.maxReplicas;
  if (typeof min === 'number' && min < 1)
    out.push(invalidValue('spec.minReplicas', min, 'must be greater than or equal to 1'));
  if (typeof max !== 'number' || max < 1)
    out.push(invalidValue('spec.maxReplicas', max ?? 0, 'must be greater than or equal to 1'));
  else if (typeof min === 'number' && min > max)
    out.push(invalidValue('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  const metrics = Array.isArray(spec.metrics) ? spec.metrics : [];
  metrics.forEach((m, i) => {
    if (!isJsonObject(m)) return;
    if (!METRIC_TYPES.includes(String(m.type)))
      out.push(notSupported(`spec.metrics[${i}].type`, m.type ?? '', METRIC_TYPES));
    else {
      const key = String(m.type).charAt(0).toLowerCase() + String(m.type).slice(1);
      if (!isJsonObject(m[key]))
        out.push(
          required(`spec.metrics[${i}].${key}`, `must populate information for the given metric source`),
        );
    }
  });
  for (const dir of ['scaleUp', 'scaleDown']) {
    const window = field(spec, `behavior.${dir}.stabilizationWindowSeconds`);
    if (typeof window === 'number' && (window < 0 || window > 3600))
      out.push(
        invalidValue(
          `spec.behavior.${dir}.stabilizationWindowSeconds`,
          window,
          'must be less than or equal to 3600',
        ),
      );
  }
  return out;
}

/** One TARGETS entry: `cpu: 40%/80%`, `<unknown>/500m`, … as formatHPAMetrics writes it. */
function metricCell(spec: JsonObject, status: JsonValue | undefined): string {
  const cur = (path: string): JsonValue | undefined => field(status ?? null, path);
  const q = (v: JsonValue | undefined) => (v === undefined || v === null ? '<unknown>' : String(v));
  switch (spec.type) {
    case 'External':
    case 'Object': {
      const key = spec.type === 'External' ? 'external' : 'object';
      const target = field(spec, `${key}.target`);
      const avg = field(target ?? null, 'averageValue');
      if (avg !== undefined && avg !== null)
        return `${q(cur(`${key}.current.averageValue`))}/${String(avg)} (avg)`;
      const current = isJsonObject(cur(key)) ? String(cur(`${key}.current.value`) ?? '0') : '<unknown>';
      return `${current}/${String(field(target ?? null, 'value') ?? '0')}`;
    }
    case 'Pods':
      return `${isJsonObject(cur('pods')) ? String(cur('pods.current.averageValue') ?? '0') : '<unknown>'}/${String(field(spec, 'pods.target.averageValue') ?? '0')}`;
    case 'Resource':
    case 'ContainerResource': {
      const key = spec.type === 'Resource' ? 'resource' : 'containerResource';
      const name = String(field(spec, `${key}.name`) ?? '');
      const avgValue = field(spec, `${key}.target.averageValue`);
      if (avgValue !== undefined && avgValue !== null)
        return `${name}: ${isJsonObject(cur(key)) ? String(cur(`${key}.current.averageValue`) ?? '0') : '<unknown>'}/${String(avgValue)}`;
      const util = cur(`${key}.current.averageUtilization`);
      const target = field(spec, `${key}.target.averageUtilization`);
      return `${name}: ${typeof util === 'number' ? `${util}%` : '<unknown>'}/${typeof target === 'number' ? `${target}%` : '<auto>'}`;
    }
    default:
      return '<unknown type>';
  }
}

/** formatHPAMetrics: the first two metrics, then `+ N more...`. */
function targets(obj: JsonObject): string {
  const specs = field(obj, 'spec.metrics');
  const statuses = field(obj, 'status.currentMetrics');
  const list = (Array.isArray(specs) ? specs : []).filter(isJsonObject);
  if (list.length === 0) return '<none>';
  const cells = list.map((m, i) => metricCell(m, Array.isArray(statuses) ? statuses[i] : undefined));
  return cells.length > 2
    ? `${cells.slice(0, 2).join(', ')} + ${cells.length - 2} more...`
    : cells.join(', ');
}

/** horizontalpodautoscalers.autoscaling/v2 */
export const horizontalpodautoscalers: ResourceType = {
  group: 'autoscaling',
  version: 'v2',
  resource: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  kind: 'HorizontalPodAutoscaler',
  listKind: 'HorizontalPodAutoscalerList',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ['all'],
  verbs: VERBS,
  status: true,
  defaults,
  validate,
  printColumns: [
    nameColumn,
    column(
      'Reference',
      'string',
      'reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource.',
    ),
    column(
      'Targets',
      'string',
      'metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).',
    ),
    column(
      'MinPods',
      'string',
      'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.',
    ),
    column(
      'MaxPods',
      'string',
      'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas.',
    ),
    column(
      'Replicas',
      'string',
      'currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.',
    ),
    ageColumn,
  ],
  printRow: (obj, now) => {
    const min = field(obj, 'spec.minReplicas');
    return [
      str(obj, 'metadata.name'),
      `${str(obj, 'spec.scaleTargetRef.kind')}/${str(obj, 'spec.scaleTargetRef.name')}`,
      targets(obj),
      typeof min === 'number' ? String(min) : '<unset>',
      int(obj, 'spec.maxReplicas'),
      int(obj, 'status.currentReplicas'),
      age(obj, now),
    ];
  },
};
