// Structured JSON logs (one line per entry, CloudWatch-friendly). Callers pass ids and codes only:
// never subjects, bodies, addresses or keys (customer content stays out of logs).
type Level = 'debug' | 'info' | 'warn' | 'error';

const threshold: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function enabled(level: Level): boolean {
  const configured = (process.env.LOG_LEVEL ?? 'info') as Level;
  return threshold[level] >= (threshold[configured] ?? 20);
}

export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  if (!enabled(level)) return;
  const line = JSON.stringify({ level, time: new Date().toISOString(), message, ...fields });
  if (level === 'error' || level === 'warn') process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
}
