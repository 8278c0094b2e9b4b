/**
 * A Promotion's spec as the promoter uses it: durations in ms, windows parsed, stages found
 * by name. The API server has checked the types against the CRD's schema; what a schema
 * cannot say (unique stage names, a cron schedule's syntax) is checked here as
 * `PROMOTION_INVALID`, naming the field.
 */
import {
  Fields,
  durationMs,
  type Promotion,
  type GitProviderRef,
  type PromotionStage,
} from '../../core/index.js';
import { checkSchedule, type ParsedWindow } from './windows.js';

export interface StageSettings {
  name: string;
  application: string;
  soakMs: number;
  windows: ParsedWindow[];
  autoPromote: boolean;
}

export interface PromotionSettings {
  name: string;
  stages: StageSettings[];
  mode: 'pr' | 'direct';
  include: { replicas: boolean; configMapLiterals: string[] };
  provider?: GitProviderRef;
}

class PromotionFields extends Fields {
  override fail(at: string, message: string): never {
    return super.fail(at, message, 'PROMOTION_INVALID');
  }
}

export function promotionSettings(promotion: Promotion): PromotionSettings {
  const f = new PromotionFields(`promotion ${promotion.metadata.name}`);
  const spec = promotion.spec ?? { stages: [] };
  const stages = spec.stages ?? [];
  if (stages.length < 2)
    f.fail('spec.stages', 'must list at least two stages, the first promoted into the second');
  const seen = new Set<string>();
  const apps = new Set<string>();
  const parsed = stages.map((stage: PromotionStage, i): StageSettings => {
    const at = `spec.stages[${i}]`;
    if (seen.has(stage.name)) f.fail(`${at}.name`, `"${stage.name}" names two stages`);
    if (apps.has(stage.application))
      f.fail(`${at}.application`, `"${stage.application}" is already the application of another stage`);
    seen.add(stage.name);
    apps.add(stage.application);
    const windows = (stage.windows ?? []).map((window, j): ParsedWindow => {
      try {
        checkSchedule(window);
      } catch (e) {
        f.fail(`${at}.windows[${j}]`, `cannot read the schedule: ${(e as Error).message}`);
      }
      return { window, durationMs: durationMs(f, window.duration, `${at}.windows[${j}].duration`) ?? 0 };
    });
    return {
      name: stage.name,
      application: stage.application,
      soakMs: durationMs(f, stage.soakTime, `${at}.soakTime`) ?? 0,
      windows,
      autoPromote: stage.autoPromote === true,
    };
  });
  return {
    name: promotion.metadata.name,
    stages: parsed,
    mode: spec.mode ?? 'pr',
    include: {
      replicas: spec.include?.replicas === true,
      configMapLiterals: spec.include?.configMapLiterals ?? [],
    },
    provider: spec.provider,
  };
}

/** The stage named `to` and the one before it, which must be `from`. */
export function stagePair(
  settings: PromotionSettings,
  from: string,
  to: string,
): { source: StageSettings; target: StageSettings } {
  const names = settings.stages.map((s) => s.name).join(', ');
  const i = settings.stages.findIndex((s) => s.name === to);
  const f = new PromotionFields(`promotion ${settings.name}`);
  if (!settings.stages.some((s) => s.name === from)) f.fail('from', `no stage "${from}" (stages: ${names})`);
  if (i < 0) f.fail('to', `no stage "${to}" (stages: ${names})`);
  if (i === 0 || settings.stages[i - 1].name !== from)
    f.fail(
      'from',
      i === 0
        ? `"${to}" is the first stage: nothing is promoted into it`
        : `"${to}" is promoted from "${settings.stages[i - 1].name}", the stage before it, not from "${from}"`,
    );
  return { source: settings.stages[i - 1], target: settings.stages[i] };
}
