// Seed 003 (SuiteCRM by SalesAgility, in Spanish): one test per clause of the policy, quoting it.
import { describe, expect, it } from 'vitest';
import { billTime } from '../functions/domain/time-billing.ts';
import { describeNote } from '../functions/mail/customer-text.ts';
import { afterWrite, contractOn, Desk, loadExample, openOn, planOf } from './seed-helpers.ts';

const catalog = loadExample('suitecrm');
const request = { id: 'T-1', kind: 'request' as const, severity: 'S3' };

describe('SuiteCRM prepaid support hours', () => {
  const m = contractOn(catalog, 'dedicated-25h', '2026-01-01');

  it('"Max horas de soporte: SalesAgility no tiene la obligación de corregir errores una vez que se hayan consumido las horas máximas de soporte": once the hours are used a new request is accepted without SLA, and told so', () => {
    const billed = billTime(m, [], request, {
      id: 'TE-1',
      minutes: 25 * 60,
      at: new Date('2026-05-04T10:00:00Z'),
    });
    expect(billed.fromPool).toBe(1500);
    const desk = new Desk(m);
    desk.usage = billed.usage;
    const admitted = desk.admit('2026-05-05T10:00:00Z');
    expect(admitted).toMatchObject({ decision: 'overage', slaExempt: true, entries: [] });
    expect(admitted.notes).toEqual([{ kind: 'withoutSla', because: 'hoursUsed' }]);
    // The acknowledgement says why, in the seed's words.
    const plan = planOf(catalog, 'dedicated-25h');
    expect(describeNote(admitted.notes[0]!, plan.customerText, catalog.billingTimeZone)).toContain(
      'no obligation to correct errors once the maximum support hours are consumed',
    );
    for (const p of catalog.plans) expect(p.pools[0]?.overage).toEqual({ action: 'acceptWithoutSla' });
  });

  it('with hours left, requests are accepted; work after they run out is still recorded, free of charge', () => {
    const desk = new Desk(m);
    desk.usage = [{ poolId: 'prepaid-hours', periodStart: '2026-01-01', used: 1500 - 15, carriedIn: 0 }];
    const admitted = desk.admit('2026-05-05T10:00:00Z');
    expect(admitted.decision).toBe('accept');
    expect(admitted.notes).toEqual([{ kind: 'hours', remainingMinutes: 15, period: 'contractYear' }]);
    // The last 15 minutes cover a 30-minute entry in part; the overrun is recorded free of charge.
    const last = billTime(m, desk.usage, request, {
      id: 'TE-2',
      minutes: 30,
      at: new Date('2026-05-05T11:00:00Z'),
    });
    expect(last.entries).toEqual([
      expect.objectContaining({ kind: 'time_consumed', quantity: 15 }),
      expect.objectContaining({ kind: 'time_billed', quantity: 15, amount: 0 }),
    ]);
    const empty = afterWrite(desk.usage, last.usage);
    const after = billTime(m, empty, request, {
      id: 'TE-3',
      minutes: 15,
      at: new Date('2026-05-05T12:00:00Z'),
    });
    expect(after).toMatchObject({ fromPool: 0, overAllowance: 15 });
    expect(after.entries).toEqual([
      expect.objectContaining({ kind: 'time_billed', quantity: 15, amount: 0 }),
    ]);
  });

  it('"confirmar el nivel de Error": the customer\'s severity is a declaration the vendor assesses', () => {
    for (const p of catalog.plans) expect(p.severityAssessedBy).toBe('vendor');
  });

  it('"solo se le factura por la cantidad de horas de soporte que desea reservar en un período de 12 meses": hours renew with the contract year', () => {
    const desk = new Desk(m);
    desk.usage = [{ poolId: 'prepaid-hours', periodStart: '2026-01-01', used: 1500, carriedIn: 0 }];
    expect(desk.admit('2027-01-04T10:00:00Z')).toMatchObject({ decision: 'accept', slaExempt: false });
  });

  it('"Su contrato es por un período de 12 meses ... se renovará automáticamente al final de los 12 meses"', () => {
    for (const plan of catalog.plans)
      expect(plan.term).toEqual({ months: 12, autoRenew: true, noticeDays: 30 });
  });
});

describe('SuiteCRM response time on London banking days', () => {
  it('"Tiempo de respuesta: asignar un número de referencia, confirmar el nivel de Error y acusar recibo" is the acknowledge metric, per severity', () => {
    const plan = planOf(catalog, 'dedicated-50h');
    expect(Object.keys(plan.sla.targets)).toEqual(['S1', 'S2', 'S3', 'S4']);
    for (const targets of Object.values(plan.sla.targets))
      expect(Object.keys(targets)).toEqual(['acknowledge']);
  });

  it('"Día laboral: un día (que no sea sábado ni domingo) cuando los bancos de compensación están abiertos en Londres"', () => {
    // Thursday 2026-12-24 17:00 London: 30 minutes that day; Christmas, the weekend and the Boxing Day
    // substitute (Monday 28th) are skipped; 30 minutes on Tuesday 29th.
    const ticket = openOn(catalog, 'dedicated-50h', '2026-12-24T17:00:00Z', { severity: 'S1' });
    expect(ticket.sla.acknowledge?.dueAt).toBe('2026-12-29T09:30:00.000Z');
  });

  it('Severity 4 ("preguntas generales de uso") is acknowledged within 16 business hours', () => {
    // Monday 2026-03-09 09:00 London: 8.5h Monday, 7.5h Tuesday.
    const ticket = openOn(catalog, 'dedicated-50h', '2026-03-09T09:00:00Z', { severity: 'S4' });
    expect(ticket.sla.acknowledge?.dueAt).toBe('2026-03-10T16:30:00.000Z');
  });
});
