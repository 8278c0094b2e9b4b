/** The reverts' settings from the daemon's environment (`$CAPSTAN_GIT_REVERT_GRACE`, a duration). */
import { durationMs, Fields } from '../../core/index.js';
import type { RollbackFeedbackOptions } from './rollback-feedback.js';

export function rollbackFeedbackOptionsFrom(env: NodeJS.ProcessEnv): RollbackFeedbackOptions {
  const grace = env.CAPSTAN_GIT_REVERT_GRACE;
  if (grace === undefined || grace === '') return {};
  return { graceMs: durationMs(new Fields('environment'), grace, 'CAPSTAN_GIT_REVERT_GRACE') };
}
