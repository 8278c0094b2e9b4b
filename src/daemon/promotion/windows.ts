/**
 * Promotion windows, as Argo CD's sync windows: a window opens each time its cron schedule
 * fires and stays open for its duration. At a given time, any open `deny` window closes
 * the stage; a stage with `allow` windows is open only while one of them is. The cron
 * arithmetic (time zones, ranges, steps) is cron-parser's.
 */
import { CronExpressionParser } from 'cron-parser';
import type { PromotionWindow } from '../../core/index.js';

/** A window checked once: its schedule parsed, its duration in ms. */
export interface ParsedWindow {
  window: PromotionWindow;
  durationMs: number;
}

/** Throws the parser's message for a schedule or time zone it cannot read. */
export function checkSchedule(window: PromotionWindow): void {
  firing(window, new Date(0));
}

/** The last time the window's schedule fired at or before `at`, or undefined if never. */
function firing(window: PromotionWindow, at: Date): Date | undefined {
  // currentDate is exclusive for prev(): a second later, so a firing at exactly `at` counts
  const expression = CronExpressionParser.parse(window.schedule, {
    currentDate: new Date(at.getTime() + 1000),
    tz: window.timeZone ?? 'UTC',
  });
  if (!expression.hasPrev()) return undefined;
  const date = expression.prev().toDate();
  if (Number.isNaN(date.getTime())) throw new Error(`unknown time zone ${JSON.stringify(window.timeZone)}`);
  return date;
}

/** The window's current opening, when it is open at `at`: from when until when. */
function openAt(w: ParsedWindow, at: Date): { from: Date; until: Date } | undefined {
  const from = firing(w.window, at);
  if (!from) return undefined;
  const until = new Date(from.getTime() + w.durationMs);
  return at < until ? { from, until } : undefined;
}

export type WindowVerdict = { open: true } | { open: false; reason: string };

/** Whether promotions into a stage with these windows may happen at `at`, and if not, why. */
export function windowVerdict(windows: ParsedWindow[], at: Date): WindowVerdict {
  for (const w of windows.filter((w) => w.window.kind === 'deny')) {
    const open = openAt(w, at);
    if (open)
      return {
        open: false,
        reason: `a deny window (${w.window.schedule} for ${w.window.duration}) is open until ${open.until.toISOString()}`,
      };
  }
  const allows = windows.filter((w) => w.window.kind === 'allow');
  if (allows.length > 0 && !allows.some((w) => openAt(w, at)))
    return {
      open: false,
      reason: `no allow window is open (${allows.map((w) => `${w.window.schedule} for ${w.window.duration}`).join(', ')})`,
    };
  return { open: true };
}
