/**
 * batch/v1 Job: defaults (SetDefaults_Job), the selector and labels the Job strategy
 * generates from the uid, validation and `kubectl get` columns.
 */
import { isJsonObject, type JsonObject } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { age, field, humanDuration } from '../print-util.js';
import { nonNegative, notSupported, positive, required } from '../apps/field-errors.js';
import { formatLabelSelector } from '../apps/label-selector.js';
import {
  VERBS,
  ageColumn,
  column,
  containerCells,
  containerColumns,
  int,
  nameColumn,
  str,
} from '../apps/print.js';
import { defaultTemplateIn, orDefault, specFor } from '../apps/template.js';
import { immutableField, specOf, validateSelectorAndTemplate } from '../apps/workload-validation.js';

const CONTROLLER_UID = 'batch.kubernetes.io/controller-uid';

/**
 * The Job strategy's generateSelector (PrepareForCreate): unless `manualSelector` is true, the
 * template gets `controller-uid`/`job-name` labels (legacy and batch.kubernetes.io/ forms) and
 * the selector matches the uid. It needs `metadata.uid`, which the registry sets before it
 * calls `defaults`; without a uid (dry runs of other tools) nothing is generated.
 */
function generateSelector(obj: JsonObject, spec: JsonObject): void {
  const meta = isJsonObject(obj.metadata) ? obj.metadata : {};
  const uid = meta.uid;
  if (typeof uid !== 'string' || uid === '' || spec.manualSelector === true) return;
  const template = spec.template as JsonObject;
  const tmeta = template.metadata as JsonObject;
  if (!isJsonObject(tmeta.labels)) tmeta.labels = {};
  const labels = tmeta.labels as JsonObject;
  const name = String(meta.name ?? '');
  for (const key of ['job-name', 'batch.kubernetes.io/job-name']) labels[key] ??= name;
  for (const key of ['controller-uid', CONTROLLER_UID]) labels[key] ??= uid;
  if (!isJsonObject(spec.selector)) spec.selector = {};
  const selector = spec.selector as JsonObject;
  if (!isJsonObject(selector.matchLabels)) selector.matchLabels = {};
  (selector.matchLabels as JsonObject)[CONTROLLER_UID] ??= uid;
}

function defaults(obj: JsonObject): void {
  const spec = specFor(obj);
  if (
    (spec.completions === undefined || spec.completions === null) &&
    (spec.parallelism === undefined || spec.parallelism === null)
  ) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  orDefault(spec, 'parallelism', 1);
  // with a per-index limit the global one must never be what stops the Job
  orDefault(
    spec,
    'backoffLimit',
    spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null ? 2147483647 : 6,
  );
  orDefault(spec, 'completionMode', 'NonIndexed');
  orDefault(spec, 'suspend', false);
  const failurePolicy = isJsonObject(spec.podFailurePolicy) ? spec.podFailurePolicy : undefined;
  for (const rule of Array.isArray(failurePolicy?.rules) ? failurePolicy.rules : [])
    for (const pattern of isJsonObject(rule) && Array.isArray(rule.onPodConditions)
      ? rule.onPodConditions
      : [])
      if (isJsonObject(pattern) && !pattern.status) pattern.status = 'True';
  orDefault(spec, 'podReplacementPolicy', failurePolicy ? 'Failed' : 'TerminatingOrFailed');
  defaultTemplateIn(spec);
  generateSelector(obj, spec);
  // SetDefaults_Job runs again when the stored object is read, so the labels it copies
  // include the generated ones
  const tlabels = (spec.template as JsonObject & { metadata: JsonObject }).metadata.labels;
  if (!isJsonObject(obj.metadata)) obj.metadata = {};
  const meta = obj.metadata as JsonObject;
  if (isJsonObject(tlabels) && (!isJsonObject(meta.labels) || Object.keys(meta.labels).length === 0))
    meta.labels = { ...tlabels };
}

function validate(obj: JsonObject, old?: JsonObject): FieldCause[] {
  const spec = specOf(obj);
  const out: FieldCause[] = [
    ...nonNegative('spec.parallelism', spec.parallelism),
    ...nonNegative('spec.completions', spec.completions),
    ...positive('spec.activeDeadlineSeconds', spec.activeDeadlineSeconds),
    ...nonNegative('spec.backoffLimit', spec.backoffLimit),
    ...nonNegative('spec.ttlSecondsAfterFinished', spec.ttlSecondsAfterFinished),
  ];
  const restart = spec.podFailurePolicy ? ['Never'] : ['OnFailure', 'Never'];
  out.push(...validateSelectorAndTemplate(spec, 'job', restart));
  if (spec.completionMode !== 'NonIndexed' && spec.completionMode !== 'Indexed')
    out.push(notSupported('spec.completionMode', spec.completionMode, ['NonIndexed', 'Indexed']));
  if (spec.completionMode === 'Indexed' && (spec.completions === undefined || spec.completions === null))
    out.push(required('spec.completions', 'when completion mode is Indexed'));
  if (old) {
    const before = specOf(old);
    out.push(...immutableField('spec.selector', spec.selector, before.selector));
    out.push(...immutableField('spec.completionMode', spec.completionMode, before.completionMode));
    // a running Job's pods must all come from one template; a suspended Job may be edited
    if (!(spec.suspend === true && before.suspend === true))
      out.push(...immutableField('spec.template', spec.template, before.template));
  }
  return out;
}

function hasCondition(obj: JsonObject, type: string): boolean {
  const conditions = field(obj, 'status.conditions');
  const found = Array.isArray(conditions)
    ? conditions.find((c) => isJsonObject(c) && c.type === type)
    : undefined;
  return isJsonObject(found) && found.status === 'True';
}

/** The STATUS cell: Complete, Failed, Terminating, Suspended, FailureTarget or Running. */
function jobStatus(obj: JsonObject): string {
  if (hasCondition(obj, 'Complete')) return 'Complete';
  if (hasCondition(obj, 'Failed')) return 'Failed';
  if (field(obj, 'metadata.deletionTimestamp')) return 'Terminating';
  if (hasCondition(obj, 'Suspended')) return 'Suspended';
  if (hasCondition(obj, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** COMPLETIONS: `1/3`, or `0/1 of 4` for a work-queue Job with parallelism. */
function completions(obj: JsonObject): string {
  const succeeded = int(obj, 'status.succeeded');
  const wanted = field(obj, 'spec.completions');
  if (typeof wanted === 'number') return `${succeeded}/${wanted}`;
  const parallelism = int(obj, 'spec.parallelism');
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function duration(obj: JsonObject, now: Date): string {
  const start = Date.parse(str(obj, 'status.startTime'));
  if (Number.isNaN(start)) return '';
  const end = Date.parse(str(obj, 'status.completionTime'));
  return humanDuration((Number.isNaN(end) ? now.getTime() : end) - start);
}

/** jobs.batch/v1 */
export const jobs: ResourceType = {
  group: 'batch',
  version: 'v1',
  resource: 'jobs',
  singular: 'job',
  kind: 'Job',
  listKind: 'JobList',
  namespaced: true,
  categories: ['all'],
  verbs: VERBS,
  status: true,
  defaults,
  validate,
  printColumns: [
    nameColumn,
    column('Status', 'string', 'Status of the job.'),
    column(
      'Completions',
      'string',
      'The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs.',
    ),
    column('Duration', 'string', 'Time required to complete the job.'),
    ageColumn,
    ...containerColumns,
    column(
      'Selector',
      'string',
      'A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
      1,
    ),
  ],
  printRow: (obj, now) => [
    str(obj, 'metadata.name'),
    jobStatus(obj),
    completions(obj),
    duration(obj, now),
    age(obj, now),
    ...containerCells(field(obj, 'spec.template.spec')),
    formatLabelSelector(field(obj, 'spec.selector')),
  ],
  // pkg/registry/batch/job: JobToSelectableFields
  selectableFields: (obj) => ({ 'status.successful': String(int(obj, 'status.succeeded')) }),
};
