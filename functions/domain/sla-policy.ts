// The SLA part of a support plan: per severity, a business-time target for each metric on a named
// calendar, the warning threshold, the statuses that pause the clocks and the reopen window.
// The plan schema embeds `slaPolicySchema` as its `sla` field and cross-checks it with `slaPolicyIssues`.
import * as z from 'zod/mini';
import { durationSchema, durationToMs, fixedDurationProblem } from './duration.ts';
import type { FieldIssue } from './errors.ts';
import './zod-mini.ts';

export const SLA_METRICS = ['acknowledge', 'firstResponse', 'resolution'] as const;
export type SlaMetric = (typeof SLA_METRICS)[number];

/** Ticket statuses during which a policy may pause its clocks. */
export const PAUSABLE_STATUSES = ['waiting_on_customer'] as const;
type PausableStatus = (typeof PAUSABLE_STATUSES)[number];

const idSchema = z
  .string()
  .check(z.minLength(1, 'must not be empty'), z.maxLength(64, 'must be at most 64 characters'));

/** Fraction of the target (0.8 = warn at 80% of it) or a business duration before the breach ("PT1H"). */
export const warningAtSchema = z.union([
  z
    .number()
    .check(
      z.gt(0, 'a fraction of the target must be above 0 (e.g. 0.8)'),
      z.lt(1, 'a fraction of the target must be below 1 (e.g. 0.8)'),
    ),
  durationSchema,
]);
export type WarningAt = z.output<typeof warningAtSchema>;

export const slaTargetSchema = z.strictObject({
  /**
   * Business time allowed, e.g. "PT8H". Hours only, never days: a business day is 8, 10 or 14 hours
   * depending on the calendar, so the seeds' "8 hours (1 day)" is written PT8H.
   */
  within: durationSchema.check(
    z.refine(
      // A malformed duration was reported already; only a well-formed zero is refused here.
      (iso) => fixedDurationProblem(iso) !== undefined || durationToMs(iso) > 0,
      'a target must be longer than zero',
    ),
  ),
  /** Calendar for this target only (004: Critical runs 8-24 every day, the rest on working days). */
  calendar: z.optional(idSchema),
  /** Overrides the policy's warning threshold for this target. */
  warningAt: z.optional(warningAtSchema),
});
type SlaTarget = z.output<typeof slaTargetSchema>;

export const severityTargetsSchema = z.strictObject({
  acknowledge: z.optional(slaTargetSchema),
  firstResponse: z.optional(slaTargetSchema),
  resolution: z.optional(slaTargetSchema),
});

export const slaPolicySchema = z.strictObject({
  /** Default calendar of every target. */
  calendar: idSchema,
  warningAt: z._default(warningAtSchema, 0.8),
  pauseWhile: z._default(z.array(z.enum(PAUSABLE_STATUSES)), ['waiting_on_customer']),
  /**
   * Elapsed (not business) time after resolution during which a customer reply reopens the ticket;
   * later replies start a new linked ticket. Default 7 days.
   */
  reopenWithin: z._default(durationSchema, 'PT168H'),
  /** Severity id to its targets; a severity left out (or a metric left out) has no clock. */
  targets: z._default(z.record(idSchema, severityTargetsSchema), {}),
  /**
   * Who hears of warnings and breaches besides the agents' alert address (a deployment setting):
   * the customer contact only where the plan promises it. Absent: agents only.
   */
  notify: z.optional(
    z.strictObject({
      /** Tell the contact who opened the ticket when a target is missed. */
      customerOnBreach: z._default(z.boolean(), false),
    }),
  ),
});

/** The parsed policy (defaults filled in; durations stay ISO text, see `targetsFor`). */
export type SlaPolicy = z.output<typeof slaPolicySchema>;
/** The policy as written in a catalog (ISO durations, defaults optional). */
type SlaPolicyInput = z.input<typeof slaPolicySchema>;

/** Milliseconds of the policy's reopen window. */
export function reopenWindowMs(policy: SlaPolicy): number {
  return durationToMs(policy.reopenWithin);
}

/** Resolved view of one target: what a clock needs to start. */
export interface ResolvedTarget {
  metric: SlaMetric;
  calendarId: string;
  targetMs: number;
  /** Business ms of elapsed time at which the warning fires; undefined when no warning applies. */
  warnMs: number | undefined;
}

export function warnMsFor(targetMs: number, warningAt: WarningAt): number | undefined {
  const warnMs =
    typeof warningAt === 'number' ? Math.round(targetMs * warningAt) : targetMs - durationToMs(warningAt);
  return warnMs > 0 && warnMs < targetMs ? warnMs : undefined;
}

/** The targets a ticket of `severity` gets, in metric order; empty when the plan sets none. */
export function targetsFor(policy: SlaPolicy, severity: string): ResolvedTarget[] {
  const targets = Object.hasOwn(policy.targets, severity) ? policy.targets[severity] : undefined;
  if (!targets) return [];
  const out: ResolvedTarget[] = [];
  for (const metric of SLA_METRICS) {
    const target = targets[metric];
    if (!target) continue;
    const targetMs = durationToMs(target.within);
    out.push({
      metric,
      calendarId: target.calendar ?? policy.calendar,
      targetMs,
      warnMs: warnMsFor(targetMs, target.warningAt ?? policy.warningAt),
    });
  }
  return out;
}

/**
 * Cross-checks a policy against the rest of its plan and catalog: targets must name severities of the
 * plan's scale and calendars of the catalog. Fields are relative to the policy (prefix them with `sla`).
 */
export function slaPolicyIssues(
  policy: SlaPolicy,
  known: { severities: readonly string[]; calendarIds: readonly string[] },
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const calendars = new Set(known.calendarIds);
  const severities = new Set(known.severities);
  const unknownCalendar = (id: string) =>
    `unknown calendar "${id}"; known: ${known.calendarIds.join(', ') || '(none)'}`;
  if (!calendars.has(policy.calendar))
    issues.push({ field: 'calendar', message: unknownCalendar(policy.calendar) });
  for (const [severity, targets] of Object.entries(policy.targets)) {
    if (!severities.has(severity)) {
      issues.push({
        field: `targets.${severity}`,
        message: `unknown severity "${severity}"; the plan's scale is ${known.severities.join(', ') || '(empty)'}`,
      });
    }
    for (const metric of SLA_METRICS) {
      const id = targets[metric]?.calendar;
      if (id !== undefined && !calendars.has(id)) {
        issues.push({ field: `targets.${severity}.${metric}.calendar`, message: unknownCalendar(id) });
      }
    }
  }
  return issues;
}
