/** batch/v1 CronJob: defaults (SetDefaults_CronJob), validation, `kubectl get` columns. */
import { isJsonObject, type JsonObject } from '../../../../core/index.js';
import type { FieldCause, ResourceType } from '../../types.js';
import { age, field } from '../print-util.js';
import { invalidValue, nonNegative, notSupported, required } from '../apps/field-errors.js';
import { formatLabelSelector } from '../apps/label-selector.js';
import {
  VERBS,
  ageColumn,
  boolPtr,
  column,
  containerCells,
  containerColumns,
  nameColumn,
  str,
} from '../apps/print.js';
import { defaultTemplateIn, embeddedMeta, orDefault, specFor } from '../apps/template.js';
import { specOf, validateSelectorAndTemplate } from '../apps/workload-validation.js';
import { cronScheduleError } from './cron-schedule.js';

function defaults(obj: JsonObject): void {
  const spec = specFor(obj);
  if (!spec.concurrencyPolicy) spec.concurrencyPolicy = 'Allow';
  orDefault(spec, 'suspend', false);
  orDefault(spec, 'successfulJobsHistoryLimit', 3);
  orDefault(spec, 'failedJobsHistoryLimit', 1);
  if (!isJsonObject(spec.jobTemplate)) spec.jobTemplate = {};
  const jobTemplate = spec.jobTemplate as JsonObject;
  embeddedMeta(jobTemplate);
  // only the pod template is defaulted: SetDefaults_Job does not reach into jobTemplate
  if (!isJsonObject(jobTemplate.spec)) jobTemplate.spec = {};
  defaultTemplateIn(jobTemplate.spec as JsonObject);
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function validate(obj: JsonObject): FieldCause[] {
  const spec = specOf(obj);
  const out: FieldCause[] = [];
  const name = str(obj, 'metadata.name');
  // the controller appends an 11-character suffix to name its Jobs, which are limited to 63
  if (name.length > 52) out.push(invalidValue('metadata.name', name, 'must be no more than 52 characters'));
  const schedule = spec.schedule;
  if (typeof schedule !== 'string' || schedule === '') out.push(required('spec.schedule'));
  else if (/(^|\s)(CRON_)?TZ=/.test(schedule))
    out.push(
      invalidValue(
        'spec.schedule',
        schedule,
        'cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
      ),
    );
  else {
    const err = cronScheduleError(schedule);
    if (err) out.push(invalidValue('spec.schedule', schedule, err));
  }
  if (typeof spec.timeZone === 'string' && (spec.timeZone === '' || !validTimeZone(spec.timeZone)))
    out.push(invalidValue('spec.timeZone', spec.timeZone, `unknown time zone ${spec.timeZone}`));
  if (!['Allow', 'Forbid', 'Replace'].includes(String(spec.concurrencyPolicy)))
    out.push(notSupported('spec.concurrencyPolicy', spec.concurrencyPolicy, ['Allow', 'Forbid', 'Replace']));
  out.push(...nonNegative('spec.startingDeadlineSeconds', spec.startingDeadlineSeconds));
  out.push(...nonNegative('spec.successfulJobsHistoryLimit', spec.successfulJobsHistoryLimit));
  out.push(...nonNegative('spec.failedJobsHistoryLimit', spec.failedJobsHistoryLimit));
  const jobSpec = field(spec, 'jobTemplate.spec');
  if (isJsonObject(jobSpec)) {
    // the Job's selector is generated when the Job is created, so only the template is checked here
    const causes = validateSelectorAndTemplate({ ...jobSpec, selector: { matchLabels: { x: 'x' } } }, 'job', [
      'OnFailure',
      'Never',
    ]);
    for (const c of causes)
      if (!c.field.startsWith('spec.selector') && !c.message.includes('`selector`'))
        out.push({ ...c, field: c.field.replace(/^spec\./, 'spec.jobTemplate.spec.') });
  } else out.push(required('spec.jobTemplate.spec'));
  return out;
}

/** cronjobs.batch/v1 */
export const cronjobs: ResourceType = {
  group: 'batch',
  version: 'v1',
  resource: 'cronjobs',
  singular: 'cronjob',
  kind: 'CronJob',
  listKind: 'CronJobList',
  namespaced: true,
  shortNames: ['cj'],
  categories: ['all'],
  verbs: VERBS,
  status: true,
  defaults,
  validate,
  printColumns: [
    nameColumn,
    column('Schedule', 'string', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    column(
      'Timezone',
      'string',
      'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.',
    ),
    column(
      'Suspend',
      'boolean',
      'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.',
    ),
    column('Active', 'integer', 'A list of pointers to currently running jobs.'),
    column(
      'Last Schedule',
      'string',
      'Information when was the last time the job was successfully scheduled.',
    ),
    ageColumn,
    ...containerColumns,
    column(
      'Selector',
      'string',
      'A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
      1,
    ),
  ],
  printRow: (obj, now) => {
    const last = str(obj, 'status.lastScheduleTime');
    const active = field(obj, 'status.active');
    const tz = field(obj, 'spec.timeZone');
    return [
      str(obj, 'metadata.name'),
      str(obj, 'spec.schedule'),
      typeof tz === 'string' ? tz : '<none>',
      boolPtr(field(obj, 'spec.suspend')),
      Array.isArray(active) ? active.length : 0,
      last ? age({ metadata: { creationTimestamp: last } }, now) : '<none>',
      age(obj, now),
      ...containerCells(field(obj, 'spec.jobTemplate.spec.template.spec')),
      formatLabelSelector(field(obj, 'spec.jobTemplate.spec.selector')),
    ];
  },
};
