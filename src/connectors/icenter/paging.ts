/**
 * 1-based paging of iCenter list reads (docs/contracts/icenter.md#paging-and-delta-reads): pages are read one after another,
 * each exactly once, and reading stops at an empty page or a page shorter than the page
 * size [CAP S1]. When the row count divides by the page size, one empty page ends it.
 */
export async function* readPages<T>(pageSize: number, readPage: (page: number) => Promise<{ rows: T[]; rawCount: number }>): AsyncGenerator<T[]> {
  for (let page = 1; ; page += 1) {
    const { rows, rawCount } = await readPage(page);
    // The client refuses such a page before parsing it (Expected.rows); this holds for any reader.
    if (rawCount > pageSize) throw new Error(`page ${page} has ${rawCount} rows, more than the page size ${pageSize} asked for`);
    if (rows.length > 0) yield rows;
    if (rawCount < pageSize || rawCount === 0) return;
  }
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the input order of results. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
