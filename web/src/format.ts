// How the console writes numbers, money, durations and instants for people.

/** `2 h 05 min`, `3 d 4 h`, `45 s`; negative as `-…`. */
export function duration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(rest / 86_400);
  rest -= days * 86_400;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  const seconds = rest - minutes * 60;
  if (days > 0) return `${sign}${days} d ${hours} h`;
  if (hours > 0) return `${sign}${hours} h ${String(minutes).padStart(2, '0')} min`;
  if (minutes > 0) return `${sign}${minutes} min ${String(seconds).padStart(2, '0')} s`;
  return `${sign}${seconds} s`;
}

/** A running countdown, to the second: `2:05:09`, `3 d 04:00:00`. */
export function clock(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const rest = `${String(Math.floor((total % 3600) / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
  return days > 0 ? `${days} d ${String(hours).padStart(2, '0')}:${rest}` : `${hours}:${rest}`;
}

/** Minor units with their currency, e.g. `EUR 45.00`. */
export function money(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).format(amount / 100);
  } catch {
    return `${currency} ${(amount / 100).toFixed(2)}`;
  }
}

export function instant(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC';
}

/** Pool quantities: hour pools count minutes. */
export function quantity(value: number, unit: string): string {
  if (unit === 'minute') return `${(value / 60).toFixed(value % 60 === 0 ? 0 : 2)} h`;
  return `${value} ${unit === 'request' ? (value === 1 ? 'request' : 'requests') : unit}`;
}

export function words(value: string): string {
  return value
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

/** `YYYY-MM` of `date` in UTC, and the month `offset` months away. */
export function monthOf(date: Date, offset = 0): string {
  const shifted = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1));
  return shifted.toISOString().slice(0, 7);
}
