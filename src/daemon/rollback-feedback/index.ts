/** Rollbacks that Git agrees with: reverts after automatic rollbacks (`spec.rollback.gitRevert`). */
export {
  DEFAULT_REVERT_GRACE_MS,
  RollbackFeedback,
  type RollbackFeedbackDeps,
  type RollbackFeedbackOptions,
} from './rollback-feedback.js';
export { rollbackFeedbackOptionsFrom } from './settings.js';
export { gitRevertMode, rolledBack, type GitRevertMode, type RolledBack } from './rolled-back.js';
export { revertBody, revertTitle } from './revert-body.js';
