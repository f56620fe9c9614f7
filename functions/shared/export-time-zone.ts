// The export time zone (EXPORT_TIME_ZONE, default UTC): the zone whose 1st of the month ends a
// ledger month for the close. Every function that writes ledger entries books by it, so the
// deployment sets it once for all of them (lib/exports.ts).
export const DEFAULT_EXPORT_TIME_ZONE = 'UTC';

let checked: { value: string | undefined; zone: string } | undefined;

export function exportTimeZone(): string {
  const value = process.env.EXPORT_TIME_ZONE || undefined;
  if (checked && checked.value === value) return checked.zone;
  const zone = value ?? DEFAULT_EXPORT_TIME_ZONE;
  // A bad zone fails loudly here rather than dating entries in a zone nobody chose.
  new Intl.DateTimeFormat('en', { timeZone: zone });
  checked = { value, zone };
  return zone;
}
