/** The autoscaling/v2 resource types. */
import type { ResourceType } from '../../types.js';
import { horizontalpodautoscalers } from './horizontalpodautoscalers.js';

export const autoscalingTypes: ResourceType[] = [horizontalpodautoscalers];
