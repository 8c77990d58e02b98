/** Small text helpers for command output: aligned tables and UTC times. */

/** Columns padded to their widest cell; the first row is the header, underlined. */
export function table(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  const [header, ...body] = rows;
  return [line(header!), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n') + '\n';
}

/** `2026-05-01 12:00:03Z`: always UTC, so a person comparing two machines' output sees the same. */
export function utc(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return '-';
  const date = typeof value === 'string' ? new Date(value) : value;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** `created 3, updated 1`: the non-zero counts of a run. */
export function formatCounts(counts: Record<string, number>): string {
  const parts = Object.entries(counts)
    .filter(([, value]) => value !== 0)
    .map(([name, value]) => `${name} ${value}`);
  return parts.length > 0 ? parts.join(', ') : 'nothing to do';
}
