/** The batch/v1 resource types. */
import type { ResourceType } from '../../types.js';
import { cronjobs } from './cronjobs.js';
import { jobs } from './jobs.js';

export const batchTypes: ResourceType[] = [jobs, cronjobs];
