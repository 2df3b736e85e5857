// How dollars read, the one formatter: the core's messages (the spend cap) and, through
// shared/run/format.ts, the panel, the export, the log, the status bar and the CLI.

/**
 * Dollars: cents from a cent up, four decimals below, and two significant digits under a
 * hundredth of a cent, so a tiny amount never reads as $0.0000.
 */
export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'unknown';
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  if (abs === 0) return '$0.00';
  if (abs >= 0.01) return `${sign}$${abs.toFixed(2)}`;
  if (abs >= 0.0001) return `${sign}$${abs.toFixed(4)}`;
  return `${sign}$${abs.toPrecision(2)}`;
}
