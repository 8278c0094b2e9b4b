/**
 * From the HPA's metric specs to one proposal: upstream's computeReplicasForMetrics and
 * computeReplicasForMetric (pkg/controller/podautoscaler/horizontal.go). Every metric
 * proposes a replica count and the largest wins; a metric that cannot be read is reported
 * (an Event and, when it matters, the ScalingActive condition) and the others still count —
 * unless every metric failed, or the readable ones would scale down: scaling down on
 * partial information could drop capacity a silent metric still needs.
 *
 * Served: `Resource` and `ContainerResource` (cpu, memory, …) with Utilization or AverageValue
 * targets, from a metrics.k8s.io source. `Pods`, `Object` and `External` metrics need a
 * custom or external metrics API, which the embedded control plane does not serve: they
 * fail as they do on a cluster without one.
 */
import { compileLabelSelector, parseQuantity, type LabelPredicate } from '../../../core/index.js';
import type { ConditionUpdate } from '../../../runtime/index.js';
import { rawResourceReplicas, resourceReplicas, type Tolerances } from './replica-calculator.js';
import type { MetricsSource } from './pod-metrics.js';
import { formatMilli, milliValue } from './units.js';
import type {
  Hpa,
  HpaEvent,
  HpaPod,
  HpaSettings,
  MetricSpec,
  MetricStatus,
  MetricTarget,
  MetricValueStatus,
  Scale,
} from './types.js';

/** Everything the metric computation reads. */
export interface MetricsInput {
  hpa: Hpa;
  scale: Scale;
  /** the pods of the HPA's namespace; the scale's selector picks the target's */
  pods: readonly HpaPod[];
  source: MetricsSource;
  /** the selectors other HPAs of the namespace last used, to find pods claimed twice */
  otherSelectors?: ReadonlyArray<{ key: string; selector: string }>;
  now: number;
  settings: HpaSettings;
}

export interface MetricsOutcome {
  /** the proposal; -1 when the HPA cannot act on its metrics */
  replicas: number;
  /** what the winning metric is called in the SuccessfulRescale reason */
  metric: string;
  /** one per metric spec (`{ type: '' }` for one that failed); absent when the selector was unusable */
  statuses?: MetricStatus[];
  /** set when some metric failed (with replicas ≥ 0: scale on the others anyway) */
  error?: string;
  /** the ScalingActive condition to set, when the outcome decides it */
  condition?: Omit<ConditionUpdate, 'observedGeneration'>;
  events: HpaEvent[];
  /** the parsed scale selector, for the next ambiguity check of the other HPAs */
  selector?: string;
}

/** The metric tolerances: the controller's, or the HPA's own per direction (HPAConfigurableTolerance). */
export function tolerancesFor(hpa: Hpa, settings: HpaSettings): Tolerances {
  const own = (q: unknown): number | undefined => {
    if (typeof q !== 'string' && typeof q !== 'number') return undefined;
    try {
      return parseQuantity(q);
    } catch {
      return undefined;
    }
  };
  return {
    scaleUp: own(hpa.spec.behavior?.scaleUp?.tolerance) ?? settings.tolerance,
    scaleDown: own(hpa.spec.behavior?.scaleDown?.tolerance) ?? settings.tolerance,
  };
}

const labelsOf = (p: HpaPod) => p.metadata.labels;

class MetricFailure extends Error {
  constructor(
    /** the ScalingActive reason and the Warning event's reason */
    readonly reason: string,
    /** what the event and the condition say */
    readonly inner: string,
    /** what the metric's failure is called in FailedComputeMetricsReplicas */
    outer: string,
  ) {
    super(outer);
  }
}

interface Proposal {
  replicas: number;
  metric: string;
  status: MetricStatus;
}

function resourceProposal(
  input: MetricsInput,
  pods: readonly HpaPod[],
  name: string,
  target: MetricTarget,
  container: string | undefined,
): { replicas: number; metric: string; current: MetricValueStatus } {
  const base = {
    currentReplicas: input.scale.spec.replicas,
    pods,
    source: input.source,
    resource: name,
    container,
    tolerances: tolerancesFor(input.hpa, input.settings),
    now: input.now,
    settings: input.settings,
  };
  if (target.averageValue !== undefined && target.averageValue !== null) {
    let r: { replicas: number; usage: number };
    try {
      r = rawResourceReplicas({ ...base, targetUsage: milliValue(target.averageValue) });
    } catch (e) {
      throw new Error(`failed to get ${name} usage: ${(e as Error).message}`);
    }
    return {
      replicas: r.replicas,
      metric: `${name} resource`,
      current: { averageValue: formatMilli(r.usage) },
    };
  }
  if (typeof target.averageUtilization !== 'number') {
    throw new Error(
      'invalid resource metric source: neither an average utilization target nor an average value (usage) target was set',
    );
  }
  let r: { replicas: number; utilization: number; rawAverage: number };
  try {
    r = resourceReplicas({ ...base, targetUtilization: target.averageUtilization });
  } catch (e) {
    throw new Error(`failed to get ${name} utilization: ${(e as Error).message}`);
  }
  return {
    replicas: r.replicas,
    metric: container
      ? `${name} container resource utilization (percentage of request)`
      : `${name} resource utilization (percentage of request)`,
    current: { averageUtilization: r.utilization, averageValue: formatMilli(r.rawAverage) },
  };
}

const NO_CUSTOM =
  'unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered';
const NO_EXTERNAL =
  'unable to fetch metrics from external metrics API: no external metrics API (external.metrics.k8s.io) registered';

function proposalFor(input: MetricsInput, pods: readonly HpaPod[], spec: MetricSpec): Proposal {
  const wrap = (reason: string, outer: (inner: string) => string, fn: () => Proposal): Proposal => {
    try {
      return fn();
    } catch (e) {
      const inner = (e as Error).message;
      throw new MetricFailure(reason, inner, outer(inner));
    }
  };
  switch (spec.type) {
    case 'Resource': {
      const res = spec.resource ?? { name: '', target: {} };
      return wrap(
        'FailedGetResourceMetric',
        (m) => `failed to get ${res.name} resource metric value: ${m}`,
        () => {
          const p = resourceProposal(input, pods, res.name, res.target ?? {}, undefined);
          return {
            replicas: p.replicas,
            metric: p.metric,
            status: { type: 'Resource', resource: { name: res.name, current: p.current } },
          };
        },
      );
    }
    case 'ContainerResource': {
      const res = spec.containerResource ?? { name: '', container: '', target: {} };
      return wrap(
        'FailedGetContainerResourceMetric',
        (m) => `failed to get ${res.container} container metric value: ${m}`,
        () => {
          const p = resourceProposal(input, pods, res.name, res.target ?? {}, res.container);
          return {
            replicas: p.replicas,
            metric: p.metric,
            status: {
              type: 'ContainerResource',
              containerResource: { name: res.name, container: res.container, current: p.current },
            },
          };
        },
      );
    }
    case 'Pods':
      throw new MetricFailure(
        'FailedGetPodsMetric',
        `unable to get metric ${spec.pods?.metric?.name ?? ''}: ${NO_CUSTOM}`,
        `failed to get pods metric value: unable to get metric ${spec.pods?.metric?.name ?? ''}: ${NO_CUSTOM}`,
      );
    case 'Object': {
      const o = spec.object;
      const inner = `unable to get metric ${o?.metric?.name ?? ''}: ${NO_CUSTOM} on ${o?.describedObject?.kind ?? ''} ${input.hpa.metadata.namespace ?? ''}/${o?.describedObject?.name ?? ''}`;
      throw new MetricFailure('FailedGetObjectMetric', inner, `failed to get object metric value: ${inner}`);
    }
    case 'External': {
      const name = spec.external?.metric?.name ?? '';
      const inner = `unable to get external metric ${input.hpa.metadata.namespace ?? ''}/${name}: ${NO_EXTERNAL}`;
      throw new MetricFailure(
        'FailedGetExternalMetric',
        inner,
        `failed to get ${name} external metric value: ${inner}`,
      );
    }
    default: {
      const inner = `unknown metric source type "${String(spec.type)}"`;
      throw new MetricFailure('InvalidMetricSourceType', inner, inner);
    }
  }
}

/** HPA specs the API server defaulted always have metrics; a bare object gets the same default. */
const DEFAULT_METRICS: MetricSpec[] = [
  { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
];

/** Validates the scale's selector (validateAndParseSelector), then asks every metric. */
export function computeReplicasForMetrics(input: MetricsInput): MetricsOutcome {
  const { hpa } = input;
  const events: HpaEvent[] = [];
  const fail = (reason: string, message: string, condition: string, error: string): MetricsOutcome => {
    events.push({ type: 'Warning', reason, message });
    return {
      replicas: -1,
      metric: '',
      error,
      condition: { type: 'ScalingActive', status: 'False', reason: 'InvalidSelector', message: condition },
      events,
    };
  };
  const selector = input.scale.status.selector ?? '';
  if (selector === '') {
    return fail(
      'SelectorRequired',
      'selector is required',
      "the HPA target's scale is missing a selector",
      'selector is required',
    );
  }
  let matches: LabelPredicate;
  try {
    matches = compileLabelSelector(selector, 'selector');
  } catch (e) {
    const message = `couldn't convert selector into a corresponding internal selector object: ${(e as Error).message}`;
    return fail('InvalidSelector', message, message, message);
  }
  const pods = input.pods.filter((p) => matches(labelsOf(p)));
  const key = `${hpa.metadata.namespace ?? ''}/${hpa.metadata.name}`;
  const claimedBy = new Set<string>([key]);
  for (const other of input.otherSelectors ?? []) {
    let theirs: LabelPredicate;
    try {
      theirs = compileLabelSelector(other.selector);
    } catch {
      continue;
    }
    if (pods.some((p) => theirs(labelsOf(p)))) claimedBy.add(other.key);
  }
  if (claimedBy.size > 1) {
    const message = `pods by selector ${selector} are controlled by multiple HPAs: [${[...claimedBy].sort().join(' ')}]`;
    events.push({ type: 'Warning', reason: 'AmbiguousSelector', message });
    return {
      replicas: -1,
      metric: '',
      error: message,
      condition: { type: 'ScalingActive', status: 'False', reason: 'AmbiguousSelector', message },
      events,
      selector,
    };
  }

  const specs = hpa.spec.metrics?.length ? hpa.spec.metrics : DEFAULT_METRICS;
  const statuses: MetricStatus[] = [];
  let replicas = 0;
  let metric = '';
  let invalid = 0;
  let firstFailure: MetricFailure | undefined;
  for (const spec of specs) {
    try {
      const p = proposalFor(input, pods, spec);
      statuses.push(p.status);
      if (replicas === 0 || p.replicas > replicas) {
        replicas = p.replicas;
        metric = p.metric;
      }
    } catch (e) {
      const failure =
        e instanceof MetricFailure ? e : new MetricFailure('FailedGetResourceMetric', String(e), String(e));
      // upstream records the event when it builds the condition: one per failed metric
      events.push({ type: 'Warning', reason: failure.reason, message: failure.inner });
      statuses.push({ type: '' });
      firstFailure ??= failure;
      invalid++;
    }
  }
  const error = firstFailure
    ? `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstFailure.message}`
    : undefined;
  if (firstFailure && (invalid >= specs.length || replicas < input.scale.spec.replicas)) {
    return {
      replicas: -1,
      metric: '',
      statuses,
      error,
      condition: {
        type: 'ScalingActive',
        status: 'False',
        reason: firstFailure.reason,
        message: `the HPA was unable to compute the replica count: ${firstFailure.inner}`,
      },
      events,
      selector,
    };
  }
  return {
    replicas,
    metric,
    statuses,
    error,
    condition: {
      type: 'ScalingActive',
      status: 'True',
      reason: 'ValidMetricFound',
      message: `the HPA was able to successfully calculate a replica count from ${metric}`,
    },
    events,
    selector,
  };
}
